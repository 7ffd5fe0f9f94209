import test, { type ExecutionContext } from 'ava';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  app,
  childPids,
  eventually,
  get,
  killQuietly,
  startCorral,
  type CorralProcess,
} from './corral-process.ts';

// USR2 starts a new master that is not a child of the spec: its pid comes from the old master's
// log (both write to the same stderr), and each scenario kills it in teardown.

function pidfileIn(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-upgrade-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'corral.pid');
}

function readPid(path: string): number | null {
  return existsSync(path) ? Number(readFileSync(path, 'utf8').trim()) : null;
}

/** Alive and not a zombie: a new master outlives its parent, and init reaps it later. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Waits for a log line even after the old master has exited (the new one still writes). */
async function logged(corral: CorralProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  await eventually(() => pattern.test(corral.output()), `the log shows ${pattern}`);
  return corral.output().match(pattern)!;
}

const count = (corral: CorralProcess, pattern: RegExp) =>
  [...corral.output().matchAll(pattern)].length;

/** Starts a master with two workers and upgrades it, up to the new master's workers ready. */
async function upgraded(t: ExecutionContext, pidfile: string) {
  const old = startCorral(t, [app('pid-app.mjs'), '-w', '2', '-b', '127.0.0.1:0', '-p', pidfile]);
  const port = await old.port();
  await old.waitFor(/Ready: 2 workers serving/);
  const oldPid = old.child.pid!;
  const oldWorkers = await childPids(oldPid);
  old.signal('SIGUSR2');
  const started = await old.waitFor(/Upgrade: started a new master with pid: (\d+)/);
  const newPid = Number(started[1]);
  t.teardown(() => killQuietly(newPid));
  const listening = await old.waitFor(
    new RegExp(
      `Listening at: http://127\\.0\\.0\\.1:(\\d+) \\(${newPid}\\), inherited from pid ${oldPid}`,
    ),
  );
  await eventually(
    () => count(old, /Ready: 2 workers serving/g) === 2,
    'the new workers are ready',
  );
  return { old, oldPid, oldWorkers, newPid, port, newPort: Number(listening[1]) };
}

test.serial(
  'USR2 starts a new master on the same socket, WINCH drains the old one, TERM promotes the new',
  async (t) => {
    t.timeout(120_000);
    const pidfile = pidfileIn(t);
    const { old, oldPid, oldWorkers, newPid, port, newPort } = await upgraded(t, pidfile);
    t.is(newPort, port, 'the new master inherited the socket: same port, no new bind');
    t.is(readPid(`${pidfile}.2`), newPid, 'the new master wrote PIDFILE.2');
    t.is(readPid(pidfile), oldPid, 'PIDFILE still names the old master');
    const newWorkers = await childPids(newPid);
    t.is(newWorkers.length, 2);

    old.signal('SIGWINCH');
    await old.waitFor(/All workers stopped \(WINCH\)/);
    await eventually(() => oldWorkers.every((pid) => !running(pid)), 'the old workers exited');
    t.true(running(oldPid), 'the old master stays after WINCH');
    t.true(newWorkers.includes(Number((await get(port)).body)), 'the new workers serve');

    old.signal('SIGTERM');
    t.is((await old.exited).code, 0);
    await logged(old, new RegExp(`\\[${newPid}\\].*Master has been promoted`));
    await eventually(() => readPid(pidfile) === newPid, 'PIDFILE names the new master');
    // The promotion writes PIDFILE first, then removes PIDFILE.2, so there is always a pid file.
    await eventually(() => !existsSync(`${pidfile}.2`), 'PIDFILE.2 is gone after the promotion');
    for (let i = 0; i < 5; i += 1) {
      const { status, body } = await get(port);
      t.is(status, 200);
      t.true(newWorkers.includes(Number(body)));
    }

    process.kill(newPid, 'SIGTERM');
    await eventually(() => !running(newPid), 'the promoted master has stopped');
    t.false(existsSync(pidfile), 'the promoted master removed PIDFILE on exit');
  },
);

test.serial(
  'rollback: HUP brings the old workers back after WINCH, TERM to the new master leaves the old one serving',
  async (t) => {
    t.timeout(120_000);
    const pidfile = pidfileIn(t);
    const { old, oldPid, oldWorkers, newPid, port } = await upgraded(t, pidfile);

    old.signal('SIGUSR2');
    await old.waitFor(/Upgrade refused: an upgrade is already under way/);
    process.kill(newPid, 'SIGUSR2');
    await old.waitFor(
      new RegExp(`refused: this master \\(pid ${newPid}\\) is a new master not promoted yet`),
    );

    old.signal('SIGWINCH');
    await eventually(() => oldWorkers.every((pid) => !running(pid)), 'the old workers exited');
    old.signal('SIGHUP');
    await old.waitFor(/Reload done: generation 2 serving with 2 workers/);
    const back = (await childPids(oldPid)).filter((pid) => pid !== newPid);
    t.is(back.length, 2, 'the old master has workers again');

    process.kill(newPid, 'SIGTERM');
    await old.waitFor(
      new RegExp(
        `The new master \\(pid:${newPid}\\) exited \\(code 0\\); this master keeps serving`,
      ),
    );
    t.false(existsSync(`${pidfile}.2`), 'the new master removed PIDFILE.2');
    t.is(readPid(pidfile), oldPid, 'PIDFILE still names the old master');
    for (let i = 0; i < 5; i += 1) t.true(back.includes(Number((await get(port)).body)));

    old.signal('SIGTERM');
    t.is((await old.exited).code, 0);
    t.false(existsSync(pidfile));
  },
);

test.serial(
  'a new master whose app fails to boot exits, and the old master keeps serving and may upgrade again',
  async (t) => {
    t.timeout(120_000);
    const pidfile = pidfileIn(t);
    const appPath = join(dirname(pidfile), 'app.mjs');
    copyFileSync(app('pid-app.mjs'), appPath);
    const old = startCorral(t, [appPath, '-w', '1', '-b', '127.0.0.1:0', '-p', pidfile]);
    const port = await old.port();
    await old.waitFor(/Ready: 1 worker serving/);
    const workers = await childPids(old.child.pid!);

    writeFileSync(appPath, 'export default function (req, res) { res.end( }\n');
    old.signal('SIGUSR2');
    const failed = Number((await old.waitFor(/started a new master with pid: (\d+)/))[1]);
    t.teardown(() => killQuietly(failed));
    await old.waitFor(
      new RegExp(
        `The new master \\(pid:${failed}\\) exited \\(code 3\\); this master keeps serving`,
      ),
    );
    t.false(existsSync(`${pidfile}.2`), 'the failed new master removed PIDFILE.2');
    t.deepEqual([Number((await get(port)).body)], workers, 'the old worker still serves');

    copyFileSync(app('pid-app.mjs'), appPath);
    old.signal('SIGUSR2');
    const again = await logged(
      old,
      /started a new master with pid: (\d+)[\s\S]*started a new master with pid: (\d+)/,
    );
    const second = Number(again[2]);
    t.teardown(() => killQuietly(second));
    await eventually(
      () => count(old, /Ready: 1 worker serving/g) === 2,
      'the second new master is ready',
    );
    process.kill(second, 'SIGTERM');
    await old.waitFor(new RegExp(`The new master \\(pid:${second}\\) exited \\(code 0\\)`));
    old.signal('SIGTERM');
    t.is((await old.exited).code, 0);
  },
);
