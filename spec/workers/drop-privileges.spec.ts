// The worker switches user itself, before the app loads; one that cannot never boots.
import test from 'ava';
import { dirname, join } from 'node:path';
import { ExitCode } from '../../protocol/exit-codes.ts';
import { bindSocket } from '../helpers/bound-socket.ts';
import { idsOf } from '../helpers/proc-files.ts';
import { copyReadableByAll } from '../helpers/readable-copy.ts';
import { appFixtures, startWorker } from '../helpers/worker-harness.ts';

test.serial('a worker given an identity runs as it once ready', async (t) => {
  t.timeout(30_000);
  const identity = { uid: 65534, gid: 65534, user: 'nobody' };
  const worker = startWorker(t, bindSocket(t), {
    identity,
    cwd: dirname(copyReadableByAll(t, join(appFixtures, 'pid-app.mjs'))),
  });
  await worker.waitForMessage('ready');
  t.like(await idsOf(worker.pid), { uid: 65534, gid: 65534 });
});

test.serial('a switch that fails is a boot failure (exit 3) naming the ids', async (t) => {
  t.timeout(30_000);
  // (uid_t)-1 means "no change" to setuid(2), so Node refuses it.
  const identity = { uid: 2 ** 32 - 1, gid: 65534, user: 'nobody' };
  const worker = startWorker(t, bindSocket(t), { identity });
  const failed = await worker.waitForMessage('boot-failed');
  t.is(failed.exitCode, ExitCode.WorkerBootError);
  t.regex(failed.reason, /cannot switch to uid 4294967295, gid 65534/);
  t.like(await worker.waitForExit(), { code: ExitCode.WorkerBootError });
  t.false(worker.messages.some((message) => message.act === 'booted'));
});
