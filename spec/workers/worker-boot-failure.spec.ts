// A worker that cannot load its app says why over IPC, then exits with the code the master
// halts on: 3 when importing throws, 4 when the module has no usable app.
import test from 'ava';
import { join } from 'node:path';
import { ExitCode } from '../../protocol/exit-codes.ts';
import { bindSocket } from '../helpers/bound-socket.ts';
import { appFixtures, startWorker } from '../helpers/worker-harness.ts';

test.serial('a syntax error: boot-failed with the path, then exit 3', async (t) => {
  t.timeout(30_000);
  const worker = startWorker(t, bindSocket(t), { app: 'bad-syntax.mjs' });

  const failed = await worker.waitForMessage('boot-failed');
  t.is(failed.exitCode, ExitCode.WorkerBootError);
  t.true(failed.reason.includes(join(appFixtures, 'bad-syntax.mjs')), failed.reason);
  t.true(failed.reason.includes('SyntaxError: missing ) after argument list'), failed.reason);
  t.like(await worker.waitForExit(), { code: ExitCode.WorkerBootError });
  t.false(worker.messages.some((message) => message.act === 'booted'));
});

test.serial('no usable export: boot-failed naming the export, then exit 4', async (t) => {
  t.timeout(30_000);
  const worker = startWorker(t, bindSocket(t), { app: 'no-app-export.mjs:server' });

  const failed = await worker.waitForMessage('boot-failed');
  t.is(failed.exitCode, ExitCode.AppLoadError);
  t.true(failed.reason.includes(join(appFixtures, 'no-app-export.mjs')), failed.reason);
  t.true(failed.reason.includes("'server'"), failed.reason);
  t.like(await worker.waitForExit(), { code: ExitCode.AppLoadError });
});
