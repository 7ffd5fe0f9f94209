import test from 'ava';
import { spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePidfile } from '../../../actors/pidfile.ts';
import type { LogSink } from '../../../actors/supervision-log.ts';
import { createUpgradeRole } from '../../../actors/upgrade/role.ts';
import { waitUntil } from '../../helpers/wait.ts';

function pidfileIn(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-upgrade-role-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'corral.pid');
}

function recordingLog(): LogSink & { lines: string[] } {
  const lines: string[] = [];
  const push = (message: string) => lines.push(message);
  return { lines, debug: push, info: push, warn: push, error: push, fatal: push };
}

/** This process as a new master whose old master has `ppid`; `orphan()` is that master exiting. */
class OldMasterHost extends EventEmitter {
  ppid: number;
  connected = true;
  constructor(ppid: number) {
    super();
    this.ppid = ppid;
  }
  orphan(): void {
    this.ppid = 1;
    this.connected = false;
    this.emit('disconnect');
  }
}

const handoff = (from: number) => ({ from, sockets: [] });

test.serial(
  'a new master writes PIDFILE.2, refuses USR2 and shares the sockets until promoted; then takes over PIDFILE',
  async (t) => {
    const pidfile = pidfileIn(t);
    const log = recordingLog();
    const role = createUpgradeRole({ handoff: handoff(4242), pidfile, log });
    t.is(role.startPidfile, `${pidfile}.2`);
    writePidfile(role.startPidfile!, process.pid);
    t.regex(
      role.refusal() ?? '',
      /is a new master not promoted yet; its old master \(pid 4242\) still runs/,
    );
    t.true(role.sharesSockets(), 'the old master still serves on them');

    const old = new OldMasterHost(4242);
    role.watch(old);
    old.orphan();
    await waitUntil(
      () => log.lines.some((line) => line.startsWith('Master has been promoted')),
      'the promotion',
    );
    t.is(readFileSync(pidfile, 'utf8'), `${process.pid}\n`);
    t.false(existsSync(`${pidfile}.2`));
    t.is(role.refusal(), null, 'a promoted master may upgrade');
    t.false(role.sharesSockets(), 'no other master: its close may unlink');
    role.finish();
  },
);

test.serial('an old master shares the sockets while the new master it started runs', async (t) => {
  const role = createUpgradeRole({ handoff: null, pidfile: undefined, log: recordingLog() });
  t.is(role.startPidfile, undefined);
  t.is(role.refusal(), null);
  t.false(role.sharesSockets());
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], {
    stdio: 'ignore',
  });
  t.teardown(() => child.kill('SIGKILL'));
  await once(child, 'spawn');
  role.setSuccessor(child.pid!);
  t.true(role.sharesSockets());
  child.kill('SIGKILL');
  await once(child, 'exit');
  t.false(role.sharesSockets(), 'a new master that is gone holds nothing');
  role.setSuccessor(null);
  t.false(role.sharesSockets());
});

test.serial('a promotion that cannot take PIDFILE over says so and keeps serving', async (t) => {
  const pidfile = pidfileIn(t);
  // Another live process (this spec's parent) holds PIDFILE.
  writeFileSync(pidfile, `${process.ppid}\n`);
  const log = recordingLog();
  const role = createUpgradeRole({ handoff: handoff(4242), pidfile, log });
  writePidfile(role.startPidfile!, process.pid);
  const old = new OldMasterHost(4242);
  role.watch(old);
  old.orphan();
  await waitUntil(
    () => log.lines.some((line) => line.startsWith('Could not take over')),
    'the error',
  );
  t.regex(log.lines.join('\n'), /Could not take over the pid file: already running on PID/);
  t.is(role.refusal(), null, 'promoted all the same');
  role.finish();
  t.false(existsSync(`${pidfile}.2`), 'finish removes PIDFILE.2 while it names this master');
  t.is(readFileSync(pidfile, 'utf8'), `${process.ppid}\n`);
});
