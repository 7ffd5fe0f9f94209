import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { app, startCorral } from './corral-process.ts';

test.serial(
  '-p writes the master pid, a second master refuses it, and it is removed on exit',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-pid-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const pidfile = join(dir, 'corral.pid');
    const first = startCorral(t, [app('pid-app.mjs'), '-b', '127.0.0.1:0', '-p', pidfile]);
    await first.waitFor(/Ready: 1 worker serving/);
    t.is(Number(readFileSync(pidfile, 'utf8').trim()), first.child.pid!);

    const second = startCorral(t, [app('pid-app.mjs'), '-b', '127.0.0.1:0', '-p', pidfile]);
    t.is((await second.exited).code, 1);
    t.regex(second.output(), new RegExp(`already running on PID ${first.child.pid}`));
    t.is(
      Number(readFileSync(pidfile, 'utf8').trim()),
      first.child.pid!,
      'the refused master left the file alone',
    );

    first.signal('SIGTERM');
    t.is((await first.exited).code, 0);
    t.false(existsSync(pidfile));
  },
);
