// The workerProcess actor turns a child's IPC messages and stall report lines into worker
// machine events. The child here is a tiny script, not a worker: it writes to the report pipe
// (fd 3, as forkWorker lays it out for a worker with no listener) and sends one IPC message.
import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { assign, createActor, sendTo, setup, waitFor } from 'xstate';
import { workerProcessLogic } from '../../actors/worker-process.ts';
import type { WorkerProcessEvent } from '../../machines/worker-machine.ts';
import type { StallReport } from '../../protocol/stall-report.ts';
import { DEADLINE_MS } from '../helpers/wait.ts';

const report = (stalledMs: number): StallReport => ({
  act: 'stall',
  stalledMs,
  phase: 'serving',
  stack: [{ functionName: 'spin', url: '/srv/app.mjs', line: 3, column: 5 }],
  inFlight: [{ method: 'GET', url: '/spin', runningMs: stalledMs }],
});

// One report torn across two writes, a line that is not JSON, JSON that is not a report, a
// second report; then a recycle message over IPC, and exit.
const childScript = `
const { writeSync } = require('node:fs');
const first = ${JSON.stringify(JSON.stringify(report(700)))};
writeSync(3, first.slice(0, 20));
setTimeout(() => {
  writeSync(3, first.slice(20) + '\\n' + 'not json\\n' + '{"act":"other"}\\n');
  writeSync(3, ${JSON.stringify(JSON.stringify(report(900)))} + '\\n');
  process.send({ act: 'recycle', reason: 'max-requests', detail: 'served 3 requests' }, () =>
    process.exit(0),
  );
}, 50);
`;

function recorder(spawnChild: () => ReturnType<typeof spawn>) {
  return setup({
    types: {
      context: {} as { events: WorkerProcessEvent[] },
      events: {} as WorkerProcessEvent,
    },
    actors: { process: workerProcessLogic(spawnChild) },
  }).createMachine({
    context: { events: [] },
    invoke: { src: 'process', input: { workerId: 1, generation: 1 } },
    on: {
      '*': { actions: assign({ events: ({ context, event }) => [...context.events, event] }) },
    },
  });
}

test('stall report lines become ipc.stall events; other lines are skipped', async (t) => {
  const actor = createActor(
    recorder(() =>
      spawn(process.execPath, ['-e', childScript], {
        stdio: ['ignore', 'inherit', 'inherit', 'pipe', 'ipc'],
      }),
    ),
  );
  t.teardown(() => actor.stop());
  actor.start();
  const done = (events: readonly WorkerProcessEvent[]) =>
    events.some((event) => event.type === 'process.exited') &&
    events.filter((event) => event.type === 'ipc.stall').length === 2;
  const { context } = await waitFor(actor, (snapshot) => done(snapshot.context.events), {
    timeout: DEADLINE_MS,
  });

  t.like(context.events[0], { type: 'process.spawned' });
  t.deepEqual(
    context.events.filter((event) => event.type === 'ipc.stall'),
    [
      { type: 'ipc.stall', report: report(700) },
      { type: 'ipc.stall', report: report(900) },
    ],
  );
  t.deepEqual(
    context.events.filter((event) => event.type === 'ipc.recycle'),
    [{ type: 'ipc.recycle', reason: 'max-requests', detail: 'served 3 requests' }],
  );
  t.like(
    context.events.find((event) => event.type === 'process.exited'),
    { code: 0 },
  );
});

test('a child without a report pipe is fine: no stall events, exit as usual', async (t) => {
  const actor = createActor(
    recorder(() => spawn(process.execPath, ['-e', 'process.exit(0)'], { stdio: 'ignore' })),
  );
  t.teardown(() => actor.stop());
  actor.start();
  const { context } = await waitFor(
    actor,
    (snapshot) => snapshot.context.events.some((event) => event.type === 'process.exited'),
    { timeout: DEADLINE_MS },
  );
  t.false(context.events.some((event) => event.type === 'ipc.stall'));
});

/** Like `recorder`, and forwards a `stop` event to the process actor as SIGTERM. */
function stoppableRecorder(spawnChild: () => Promise<ReturnType<typeof spawn>>) {
  return setup({
    types: {
      context: {} as { events: WorkerProcessEvent[] },
      events: {} as WorkerProcessEvent | { type: 'stop' },
    },
    actors: { process: workerProcessLogic(spawnChild) },
  }).createMachine({
    context: { events: [] },
    invoke: { id: 'process', src: 'process', input: { workerId: 1, generation: 1 } },
    on: {
      stop: {
        actions: sendTo('process', { type: 'process.signal', signal: 'SIGTERM' } as const),
      },
      '*': {
        actions: assign({
          events: ({ context, event }) => [...context.events, event as WorkerProcessEvent],
        }),
      },
    },
  });
}

const idleChild = () =>
  spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });

test('a spawn that waits (preFork): a stop sent meanwhile reaches the process once it exists', async (t) => {
  let release!: () => void;
  const forked = new Promise<void>((resolve) => (release = resolve));
  const actor = createActor(stoppableRecorder(() => forked.then(idleChild)));
  t.teardown(() => actor.stop());
  actor.start();
  actor.send({ type: 'stop' });
  t.deepEqual(actor.getSnapshot().context.events, []);
  release();
  const { context } = await waitFor(
    actor,
    (snapshot) => snapshot.context.events.some((event) => event.type === 'process.exited'),
    { timeout: DEADLINE_MS },
  );
  t.like(context.events[0], { type: 'process.spawned' });
  t.like(context.events.at(-1), { type: 'process.exited', signal: 'SIGTERM' });
});

test('a spawn that waits: a process that arrives after the actor stopped is killed', async (t) => {
  let release!: () => void;
  const forked = new Promise<void>((resolve) => (release = resolve));
  let child: ReturnType<typeof spawn> | undefined;
  const actor = createActor(stoppableRecorder(() => forked.then(() => (child = idleChild()))));
  actor.start();
  actor.stop();
  release();
  await forked;
  t.teardown(() => child?.kill('SIGKILL'));
  const [, signal] = (await once(child!, 'exit')) as [number | null, string | null];
  t.is(signal, 'SIGKILL');
});
