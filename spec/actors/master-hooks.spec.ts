// The master's hook runner on its own, with fake events: hooks run one at a time in the order
// they were called, each generation keeps its own hooks, and childExit names the generation the
// worker was started with.
import test from 'ava';
import { createMasterHooks } from '../../actors/master-hooks.ts';
import type { LogSink } from '../../actors/supervision-log.ts';
import type { MasterHooks } from '../../protocol/hooks.ts';
import { settingsFromProgram } from '../../settings/program-settings.ts';

const settings = settingsFromProgram({ app: 'app.js', workers: 2 }, {});
const silent: LogSink = { debug() {}, info() {}, warn() {}, error() {}, fatal() {} };

test('an async hook finishes before the next one starts', async (t) => {
  const calls: string[] = [];
  let release!: () => void;
  const hooks: Partial<MasterHooks> = {
    nworkersChanged: async () => {
      calls.push('nworkersChanged started');
      await new Promise<void>((resolve) => (release = resolve));
      calls.push('nworkersChanged finished');
    },
    preFork: (_server, worker) => void calls.push(`preFork ${worker.id}`),
  };
  const runner = createMasterHooks({ settings, hooks, log: silent, generation: () => 1 });
  runner.observe({ type: 'workers.changed', target: 3, previous: 2 });
  const forked = runner.beforeFork(3, 1);
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(calls, ['nworkersChanged started']);
  release();
  await forked;
  t.deepEqual(calls, ['nworkersChanged started', 'nworkersChanged finished', 'preFork 3']);
});

test('without a preFork hook, forking need not wait', (t) => {
  const runner = createMasterHooks({ settings, hooks: {}, log: silent, generation: () => 1 });
  t.is(runner.beforeFork(1, 1), undefined);
});

test('a reload runs the new onReload with the new settings; its hooks apply from then on', async (t) => {
  const calls: string[] = [];
  let generation = 1;
  const runner = createMasterHooks({
    settings,
    hooks: { whenReady: () => void calls.push('old whenReady') },
    log: silent,
    generation: () => generation,
  });
  const next = { ...settings, workers: 5 };
  await runner.reloaded(2, {
    settings: next,
    hooks: {
      onReload: (server) => void calls.push(`onReload with ${String(server.settings.workers)}`),
      whenReady: () => void calls.push('new whenReady'),
    },
  });
  generation = 2;
  await runner.run('whenReady');
  generation = 1; // the new generation failed to boot: back to the old one
  await runner.run('whenReady');
  t.deepEqual(calls, ['onReload with 5', 'new whenReady', 'old whenReady']);
});

test('a reload that brings no hooks keeps the ones in force', async (t) => {
  const calls: string[] = [];
  const runner = createMasterHooks({
    settings,
    hooks: { onReload: () => void calls.push('onReload') },
    log: silent,
    generation: () => 1,
  });
  await runner.reloaded(2, { settings });
  t.deepEqual(calls, ['onReload']);
});

test('childExit names the worker, its generation and how it ended; a fork that failed has none', async (t) => {
  const exits: unknown[] = [];
  const runner = createMasterHooks({
    settings,
    hooks: { childExit: (_server, worker, exit) => void exits.push({ ...worker, ...exit }) },
    log: silent,
    generation: () => 3,
  });
  runner.observe({ type: 'worker.spawned', workerId: 7, pid: 700, generation: 2 });
  const exit = { workerId: 7, pid: 700, code: null, signal: 'SIGTERM', cause: 'stopped' } as const;
  runner.observe({ type: 'worker.exited', ...exit });
  runner.observe({ type: 'worker.exited', ...exit, workerId: 8, pid: null, cause: 'spawn-failed' });
  await runner.run('onExit');
  t.deepEqual(exits, [
    { id: 7, generation: 2, pid: 700, code: null, signal: 'SIGTERM', cause: 'stopped' },
  ]);
});

test('a hook that throws is logged with its name and the hooks after it still run', async (t) => {
  const lines: string[] = [];
  const log: LogSink = { ...silent, error: (message: string) => lines.push(message) };
  let exited = false;
  const runner = createMasterHooks({
    settings,
    hooks: {
      whenReady: () => {
        throw new Error('no database');
      },
      onExit: () => void (exited = true),
    },
    log,
    generation: () => 1,
  });
  runner.observe({ type: 'arbiter.ready', workers: 2 });
  await runner.run('onExit');
  t.true(exited);
  t.is(lines.length, 1);
  t.regex(lines[0]!, /^Hook whenReady failed: Error: no database/);
});
