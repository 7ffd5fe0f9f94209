/**
 * `corral ctl` against a real master's `--control-socket`: every command through the real
 * socket, the socket's own safety (mode, directory, stale and live sockets, removal at exit),
 * and the client's exit codes when no master answers or the socket is not its user's.
 */
import test, { type ExecutionContext } from 'ava';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { ObservedView } from '../../actors/observe/observation.ts';
import { ctl, deadSocket, privateDir } from '../helpers/ctl-process.ts';
import {
  app,
  eventually,
  get,
  isAlive,
  killQuietly,
  startCorral,
  type CorralProcess,
} from './corral-process.ts';

interface Master {
  corral: CorralProcess;
  socket: string;
  dir: string;
}

async function startMaster(t: ExecutionContext, args: string[] = [], workers = 2): Promise<Master> {
  const dir = privateDir(t);
  const socket = join(dir, 'ctl.sock');
  const appPath = join(dir, 'app.mjs');
  copyFileSync(app('pid-app.mjs'), appPath);
  const corral = startCorral(t, [
    appPath,
    '-w',
    String(workers),
    '-b',
    '127.0.0.1:0',
    '--control-socket',
    socket,
    ...args,
  ]);
  await corral.waitFor(new RegExp(`Ready: ${workers} workers? serving`));
  return { corral, socket, dir };
}

async function status(t: ExecutionContext, socket: string): Promise<ObservedView> {
  const run = await ctl(t, ['-s', socket, 'status', '--json']);
  if (run.code !== 0) throw new Error(`status failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as ObservedView;
}

const readyCount = (view: ObservedView) => view.workers.filter((w) => w.phase === 'ready').length;

async function readyWorkers(t: ExecutionContext, socket: string, count: number): Promise<void> {
  await eventually(async () => {
    const view = await status(t, socket);
    return view.workers.length === count && readyCount(view) === count;
  }, `${count} workers are ready and no others remain`);
}

test.serial('status shows the workers as a table and as JSON; the socket is private', async (t) => {
  const { corral, socket } = await startMaster(t);
  t.is(statSync(socket).mode & 0o777, 0o600);
  const text = await ctl(t, ['-s', socket, 'status']);
  t.is(text.code, 0, text.stderr);
  t.regex(
    text.stdout,
    new RegExp(`^master ${corral.child.pid} +serving\\.running\\.noStandby +target 2`),
  );
  t.is(text.stdout.split('\n').filter((line) => /^\d+ +\d+ +serving/.test(line)).length, 2);
  const fromEnv = await ctl(t, ['status', '--json'], { env: { CORRAL_CONTROL_SOCKET: socket } });
  const view = JSON.parse(fromEnv.stdout) as ObservedView;
  t.is(view.master.pid, corral.child.pid!);
  t.is(view.workers.length, 2);
  t.deepEqual(view.workers.map((w) => w.pid).sort(), corral.workerPids().sort());
  const stop = await ctl(t, ['-s', socket, 'stop']);
  t.is(stop.code, 0, stop.stderr);
  t.regex(stop.stdout, /the master stops \(graceful\)/);
  t.like(await corral.exited, { code: 0 });
  t.false(existsSync(socket), 'the socket is removed at exit');
});

test.serial('add, remove and scale go through TTIN and TTOU, never below 1', async (t) => {
  const { corral, socket } = await startMaster(t);
  t.is((await ctl(t, ['-s', socket, 'add'])).code, 0);
  await readyWorkers(t, socket, 3);
  t.is((await ctl(t, ['-s', socket, 'remove'])).code, 0);
  await readyWorkers(t, socket, 2);
  const scaled = await ctl(t, ['-s', socket, 'scale', '4']);
  t.is(scaled.code, 0);
  t.regex(scaled.stdout, /target 2 → 4 workers/);
  await readyWorkers(t, socket, 4);
  const tooMany = await ctl(t, ['-s', socket, 'remove', '4']);
  t.is(tooMany.code, 1);
  t.regex(tooMany.stderr, /^corral ctl: error: cannot go below 1 worker \(the target is 4\)\n$/);
  t.is((await status(t, socket)).master.target, 4);
  t.regex(corral.output(), /Handling signal: ttin[\s\S]*Worker count: 3 -> 4/);
  const quick = await ctl(t, ['-s', socket, 'stop', '--quick']);
  t.is(quick.code, 0, quick.stderr);
  await corral.waitFor(/Stopping workers quickly/);
  t.like(await corral.exited, { code: 0 });
  t.false(existsSync(socket));
});

test.serial(
  'reload --wait exits 0 when the new generation serves, 1 when it rolls back',
  async (t) => {
    const { corral, socket, dir } = await startMaster(t);
    const port = await corral.port();
    const done = await ctl(t, ['-s', socket, 'reload', '--wait']);
    t.is(done.code, 0, done.stderr);
    t.regex(done.stdout, /reload of generation 2 done: 2 workers ready/);
    t.is((await status(t, socket)).master.generation, 2);

    writeFileSync(join(dir, 'app.mjs'), 'export default function (req, res) { res.end( }\n');
    const failed = await ctl(t, ['-s', socket, 'reload', '--wait']);
    t.is(failed.code, 1);
    t.regex(failed.stderr, /^corral ctl: error: reload of generation 3 rolled back: .*SyntaxError/);
    const view = await status(t, socket);
    t.like(view.master, { generation: 2, state: 'serving.running.noStandby' });
    t.is((await get(port)).status, 200, 'the old generation keeps serving');
    t.is((await ctl(t, ['-s', socket, 'stop'])).code, 0);
    t.like(await corral.exited, { code: 0 });
  },
);

test.serial('reopen-logs reopens a renamed access log, as USR1', async (t) => {
  const dir = privateDir(t);
  const accessLog = join(dir, 'access.log');
  const { corral, socket } = await startMaster(t, ['--access-logfile', accessLog]);
  const port = await corral.port();
  await get(port, '/before');
  await eventually(
    () => existsSync(accessLog) && readFileSync(accessLog, 'utf8').includes('/before'),
    'the first line is written',
  );
  renameSync(accessLog, `${accessLog}.1`);
  const reopened = await ctl(t, ['-s', socket, 'reopen-logs']);
  t.is(reopened.code, 0, reopened.stderr);
  await eventually(() => existsSync(accessLog), 'the access log is reopened at its path');
  await get(port, '/after');
  await eventually(
    () => readFileSync(accessLog, 'utf8').includes('/after'),
    'a new line in the new file',
  );
  t.false(readFileSync(`${accessLog}.1`, 'utf8').includes('/after'));
  corral.signal('SIGTERM');
  t.like(await corral.exited, { code: 0 });
});

test.serial("a dead master's socket is replaced; a live one is refused", async (t) => {
  const dir = privateDir(t);
  const socket = join(dir, 'ctl.sock');
  await deadSocket(t, socket);
  const dead = await ctl(t, ['-s', socket, 'status']);
  t.is(dead.code, 3);
  t.regex(dead.stderr, /^corral ctl: error: no master answers at .*: connection refused/);

  // Two masters with the same settings: the second finds the first one's socket live.
  const args = [app('pid-app.mjs'), '-w', '1', '-b', '127.0.0.1:0', '--control-socket', socket];
  const first = startCorral(t, args);
  await first.waitFor(/Ready: 1 worker serving/);
  t.is((await status(t, socket)).master.pid, first.child.pid!);

  const second = startCorral(t, args);
  t.like(await second.exited, { code: 1 });
  t.true(second.output().includes(`another master answers at ${socket}`), second.output());
  t.false(/Booting worker/.test(second.output()), 'no worker started');
  t.is((await status(t, socket)).master.pid, first.child.pid!, 'the first master still answers');
  first.signal('SIGTERM');
  t.like(await first.exited, { code: 0 });
  t.false(existsSync(socket));
});

test.serial('a socket directory others can write is refused, naming the directory', async (t) => {
  const dir = privateDir(t);
  chmodSync(dir, 0o777);
  const corral = startCorral(t, [
    app('pid-app.mjs'),
    '-b',
    '127.0.0.1:0',
    '--control-socket',
    join(dir, 'ctl.sock'),
  ]);
  t.like(await corral.exited, { code: 1 });
  t.regex(
    corral.output(),
    new RegExp(`refusing the control socket directory ${dir}: it is writable by its group`),
  );
  t.false(existsSync(join(dir, 'ctl.sock')));
});

test.serial("ctl exit codes: usage 2, no master 3, another user's socket 4", async (t) => {
  const none = await ctl(t, ['status']);
  t.is(none.code, 2);
  t.regex(none.stderr, /^corral ctl: error: which master\? give --socket PATH/);
  t.is((await ctl(t, ['-s', '/x', 'scale'])).code, 2);
  t.is((await ctl(t, ['-s', '/x', 'fly'])).code, 2);
  t.is((await ctl(t, ['-s', '/x', 'add', '0'])).code, 2);

  const dir = privateDir(t);
  const missing = await ctl(t, ['-s', join(dir, 'none.sock'), 'status']);
  t.is(missing.code, 3);
  t.regex(
    missing.stderr,
    /^corral ctl: error: no master answers at .*none\.sock: no such socket\n$/,
  );
  const file = join(dir, 'file');
  writeFileSync(file, '');
  const notSocket = await ctl(t, ['-s', file, 'status']);
  t.is(notSocket.code, 3);
  t.regex(notSocket.stderr, /is not a socket/);

  const { corral, socket } = await startMaster(t, [], 1);
  const id = (flag: string) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }));
  const denied = await ctl(t, ['-s', socket, 'status'], { uid: id('-u'), gid: id('-g') });
  t.is(denied.code, 4, denied.stderr);
  t.regex(denied.stderr, /^corral ctl: error: permission denied connecting to /);
  corral.signal('SIGTERM');
  t.like(await corral.exited, { code: 0 });
});

test.serial(
  'on USR2 the old master hands the socket to the new one, which removes it at exit',
  async (t) => {
    t.timeout(120_000);
    const { corral: old, socket } = await startMaster(t);
    const oldPid = old.child.pid!;
    old.signal('SIGUSR2');
    const newPid = Number((await old.waitFor(/Upgrade: started a new master with pid: (\d+)/))[1]);
    t.teardown(() => killQuietly(newPid));
    await eventually(
      async () => (await status(t, socket)).master.pid === newPid,
      'the new master answers',
    );
    old.signal('SIGTERM');
    t.like(await old.exited, { code: 0 });
    t.not((await status(t, socket)).master.pid, oldPid);
    t.true(existsSync(socket), 'the old master left the new socket in place');
    t.is((await ctl(t, ['-s', socket, 'stop'])).code, 0);
    await eventually(() => !isAlive(newPid), 'the new master has exited');
    await eventually(() => !existsSync(socket), 'the socket is gone');
  },
);
