// The worker switches user itself, before the app loads; one that cannot never boots.
import test, { type ExecutionContext } from 'ava';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '../../protocol/exit-codes.ts';
import { bindSocket } from '../helpers/bound-socket.ts';
import { idsOf } from '../helpers/proc-files.ts';
import { appFixtures, startWorker } from '../helpers/worker-harness.ts';

/**
 * The app copied where any user may read it: the checkout may sit in a directory only its owner
 * can enter (a CI clone in a mode-0700 temporary directory), and the app loads after the switch.
 */
function readableAppDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-identity-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  copyFileSync(join(appFixtures, 'pid-app.mjs'), join(dir, 'pid-app.mjs'));
  chmodSync(join(dir, 'pid-app.mjs'), 0o644);
  return dir;
}

test.serial('a worker given an identity runs as it once ready', async (t) => {
  t.timeout(30_000);
  const identity = { uid: 65534, gid: 65534, user: 'nobody' };
  const worker = startWorker(t, bindSocket(t), { identity, cwd: readableAppDir(t) });
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
