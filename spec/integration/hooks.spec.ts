// Server hooks from a config file (-c), with the real CLI and real workers. The config fixture
// records each hook as a JSON line with the pid it ran in, so these specs see the process
// (master or worker, by pid) and the order (the file's line order) of every call.
import test, { type ExecutionContext } from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  app,
  eventually,
  get,
  killQuietly,
  startCorral,
  type CorralProcess,
} from './corral-process.ts';

interface HookRecord {
  hook: string;
  role: 'master' | 'worker';
  pid: number;
  id?: number;
  generation?: number;
  [detail: string]: unknown;
}

const config = app('hooks.config.ts');

function recordFile(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-hooks-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'hooks.jsonl');
}

function readRecords(path: string): HookRecord[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as HookRecord);
}

function startWithHooks(
  t: ExecutionContext,
  record: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): CorralProcess {
  return startCorral(t, ['-c', config, '-b', '127.0.0.1:0', ...args, app('hooks-app.mjs')], {
    env: { CORRAL_HOOK_RECORD: record, ...env },
  });
}

/** The records so far, with lookups by hook and worker id. */
function view(path: string) {
  const records = readRecords(path);
  const index = (hook: string, match: Partial<HookRecord> = {}) =>
    records.findIndex(
      (r) => r.hook === hook && Object.entries(match).every(([key, value]) => r[key] === value),
    );
  const find = (hook: string, match: Partial<HookRecord> = {}) => records[index(hook, match)];
  const all = (hook: string) => records.filter((r) => r.hook === hook);
  return { records, index, find, all };
}

/** Worker id → pid, from the master's "Booting worker N with pid: P" lines. */
function workerPidsById(corral: CorralProcess): Map<number, number> {
  const matches = corral.output().matchAll(/Booting worker (\d+) with pid: (\d+)/g);
  return new Map([...matches].map((m) => [Number(m[1]), Number(m[2])]));
}

const recorded = (path: string, hook: string, match: Partial<HookRecord> = {}) =>
  eventually(() => view(path).index(hook, match) !== -1, `${hook} has run`);

function assertBefore(t: ExecutionContext, first: number, then: number, what: string): void {
  t.true(first !== -1 && then !== -1 && first < then, what);
}

test.serial(
  'every hook runs in its own process, in order: start, a request, TTIN, HUP, TERM',
  async (t) => {
    t.timeout(180_000);
    const path = recordFile(t);
    const corral = startWithHooks(t, path, ['-w', '2']);
    const port = await corral.port();
    const master = corral.child.pid!;
    await recorded(path, 'whenReady');

    let v = view(path);
    t.like(v.records[0], { hook: 'onStarting', role: 'master', pid: master, hookTimeout: 30 });
    t.like(v.find('nworkersChanged'), { current: 2, old: null });
    for (const id of [1, 2]) {
      assertBefore(t, v.index('nworkersChanged'), v.index('preFork', { id }), 'count, then fork');
      assertBefore(t, v.index('preFork', { id }), v.index('postFork', { id }), `preFork ${id}`);
      assertBefore(t, v.index('postFork', { id }), v.index('postWorkerInit', { id }), `init ${id}`);
      assertBefore(t, v.index('postWorkerInit', { id }), v.index('whenReady'), `ready after ${id}`);
      t.like(v.find('preFork', { id }), { pid: master, generation: 1 });
    }
    t.regex(corral.output(), /hooks: ready/, 'server.log reaches the master log');
    t.regex(corral.output(), /\[corral worker 1 pid \d+\] INFO hooks: worker 1 initialised/);

    // A request waits for the async preRequest; postRequest follows its response.
    const response = JSON.parse((await get(port, '/hello')).body) as { pid: number; pre: string };
    t.is(response.pre, 'done', 'the app saw the request only after preRequest had finished');
    await recorded(path, 'postRequest', { url: '/hello' });
    v = view(path);
    t.like(v.find('preRequest', { url: '/hello' }), { pid: response.pid });
    t.like(v.find('postRequest', { url: '/hello' }), { pid: response.pid, status: 200 });
    assertBefore(t, v.index('preRequest'), v.index('postRequest'), 'preRequest, then postRequest');

    corral.signal('SIGTTIN');
    await recorded(path, 'postWorkerInit', { id: 3 });
    v = view(path);
    t.like(v.find('nworkersChanged', { current: 3 }), { old: 2, pid: master });
    assertBefore(
      t,
      v.index('nworkersChanged', { current: 3 }),
      v.index('preFork', { id: 3 }),
      'TTIN',
    );

    corral.signal('SIGHUP');
    await corral.waitFor(/Reload done: generation 2/);
    await eventually(() => view(path).all('childExit').length === 3, 'the old workers exited');
    v = view(path);
    const reload = v.index('onReload');
    t.like(v.records[reload], { pid: master, workers: 2 });
    const newWorkers = v.all('preFork').filter((r) => r.generation === 2);
    t.is(newWorkers.length, 3, 'the count raised by TTIN survives the reload');
    for (const { id } of newWorkers) assertBefore(t, reload, v.index('preFork', { id }), 'HUP');
    for (const id of [1, 2, 3]) {
      t.like(v.find('childExit', { id }), { pid: master, generation: 1, cause: 'stopped' });
      assertBefore(t, v.index('workerExit', { id }), v.index('childExit', { id }), `exit ${id}`);
    }

    corral.signal('SIGTERM');
    t.deepEqual(await corral.exited, { code: 0, signal: null });
    v = view(path);
    t.is(v.records.at(-1)?.hook, 'onExit', 'onExit is the last hook');
    t.is(v.records.at(-1)?.pid, master);
    for (const { id } of newWorkers) {
      t.like(v.find('childExit', { id }), { generation: 2, cause: 'stopped' });
      assertBefore(t, v.index('workerExit', { id }), v.index('childExit', { id }), `exit ${id}`);
    }

    // Every hook ran in the process Gunicorn runs it in.
    const pids = workerPidsById(corral);
    t.is(pids.size, 6);
    for (const r of v.records) {
      if (r.role === 'master') t.is(r.pid, master, `${r.hook} ran in the master`);
      else t.is(pids.get(r.id!), r.pid, `${r.hook} ran in worker ${r.id}`);
    }
  },
);

test.serial(
  'SIGABRT runs workerAbort and workerExit in the worker; QUIT runs workerInt',
  async (t) => {
    t.timeout(120_000);
    const path = recordFile(t);
    const corral = startWithHooks(t, path, ['-w', '1']);
    const master = corral.child.pid!;
    await recorded(path, 'whenReady');
    const first = workerPidsById(corral).get(1)!;

    // What the master sends on a timeout; here the loop is free, so the hook can run.
    process.kill(first, 'SIGABRT');
    await recorded(path, 'postWorkerInit', { id: 2 });
    let v = view(path);
    t.like(v.find('workerAbort', { id: 1 }), { pid: first });
    t.like(v.find('childExit', { id: 1 }), { pid: master, workerPid: first, cause: 'crashed' });
    assertBefore(t, v.index('workerAbort'), v.index('workerExit', { id: 1 }), 'abort, then exit');
    assertBefore(t, v.index('workerExit', { id: 1 }), v.index('childExit', { id: 1 }), 'reaped');

    corral.signal('SIGQUIT');
    t.deepEqual(await corral.exited, { code: 0, signal: null });
    v = view(path);
    const second = workerPidsById(corral).get(2)!;
    t.like(v.find('workerInt', { id: 2 }), { pid: second });
    assertBefore(t, v.index('workerInt'), v.index('workerExit', { id: 2 }), 'int, then exit');
    assertBefore(t, v.index('workerExit', { id: 2 }), v.index('childExit', { id: 2 }), 'reaped');
    t.is(v.records.at(-1)?.hook, 'onExit');
  },
);

test.serial('USR2 runs preExec in the old master before the new master starts', async (t) => {
  t.timeout(120_000);
  const path = recordFile(t);
  const corral = startWithHooks(t, path, ['-w', '1']);
  const oldMaster = corral.child.pid!;
  await recorded(path, 'whenReady');

  corral.signal('SIGUSR2');
  const started = await corral.waitFor(/Upgrade: started a new master with pid: (\d+)/);
  const newMaster = Number(started[1]);
  t.teardown(() => killQuietly(newMaster));
  await recorded(path, 'whenReady', { pid: newMaster });

  const v = view(path);
  t.like(v.find('preExec'), { pid: oldMaster });
  assertBefore(t, v.index('preExec'), v.index('onStarting', { pid: newMaster }), 'exec after');

  process.kill(newMaster, 'SIGTERM');
  await recorded(path, 'onExit', { pid: newMaster });
  corral.signal('SIGTERM');
  t.deepEqual(await corral.exited, { code: 0, signal: null });
});

test.serial(
  'a hook that throws is logged with its name and the server keeps serving; a hook that never settles is given up after hook-timeout',
  async (t) => {
    t.timeout(120_000);
    const path = recordFile(t);
    const corral = startWithHooks(t, path, ['-w', '1', '--hook-timeout', '1'], {
      CORRAL_HOOK_THROW: 'whenReady,postWorkerInit,postRequest',
      CORRAL_HOOK_HANG: 'preRequest,onExit',
    });
    const port = await corral.port();
    await corral.waitFor(/Hook whenReady failed: Error: whenReady exploded on purpose\n\s+at /);
    t.regex(corral.output(), /ERROR Hook postWorkerInit failed: Error: postWorkerInit exploded/);

    // preRequest never settles: the request goes on to the app once the bound has passed.
    const response = await get(port, '/after-a-hang');
    t.is(response.status, 200);
    t.is((JSON.parse(response.body) as { pre: string | null }).pre, null);
    await corral.waitFor(/Hook preRequest did not finish within 1 s/);
    await corral.waitFor(/Hook postRequest failed: Error: postRequest exploded/);
    t.is((await get(port, '/still-serving')).status, 200);

    corral.signal('SIGTERM');
    t.deepEqual(await corral.exited, { code: 0, signal: null });
    t.regex(corral.output(), /Hook onExit did not finish within 1 s/);
    t.like(view(path).find('onExit'), { hanging: true });
  },
);
