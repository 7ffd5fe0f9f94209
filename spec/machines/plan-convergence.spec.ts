import test from 'ava';
import { planConvergence, type WorkerEntry } from '../../machines/plan-convergence.ts';

const entry = (
  workerId: number,
  phase: WorkerEntry['phase'],
  patch: Partial<WorkerEntry> = {},
): [string, WorkerEntry] => [
  `worker-${workerId}`,
  { workerId, pid: 100 + workerId, phase, generation: 1, outgoing: null, ...patch },
];

/** The serving workers' part of the plan: without standbys, the standby part is empty. */
const plan = (
  entries: Array<[string, WorkerEntry]>,
  target: number,
  generation = 1,
  holdSpawns = false,
) => {
  const workers = Object.fromEntries(entries);
  const { promote, spawnStandby, ...serving } = planConvergence({
    workers,
    target,
    generation,
    holdSpawns,
  });
  if (promote.length > 0 || spawnStandby > 0) throw new Error('a standby plan without standbys');
  return serving;
};

test('spawns the shortfall, ignoring workers that are already stopping', (t) => {
  t.deepEqual(plan([entry(1, 'ready'), entry(2, 'stopping')], 3), { spawn: 2, retire: [] });
});

test('retires workers that are not serving yet before serving ones, newest first', (t) => {
  const workers = [entry(1, 'ready'), entry(2, 'ready'), entry(3, 'booting'), entry(4, 'spawning')];
  t.deepEqual(plan(workers, 1), { spawn: 0, retire: ['worker-4', 'worker-3', 'worker-1'] });
});

test('among serving workers the oldest goes first', (t) => {
  t.deepEqual(plan([entry(5, 'ready'), entry(2, 'ready'), entry(9, 'ready')], 1).retire, [
    'worker-2',
    'worker-5',
  ]);
});

test('does nothing at the target', (t) => {
  t.deepEqual(plan([entry(1, 'booting')], 1), { spawn: 0, retire: [] });
});

test('a new generation is spawned in full while the old one keeps serving', (t) => {
  t.deepEqual(plan([entry(1, 'ready'), entry(2, 'ready')], 2, 2), { spawn: 2, retire: [] });
});

test('an old worker retires only when a new one is ready to take its place', (t) => {
  const workers = [
    entry(1, 'ready'),
    entry(2, 'ready'),
    entry(3, 'ready', { generation: 2 }),
    entry(4, 'booting', { generation: 2 }),
  ];
  t.deepEqual(plan(workers, 2, 2), { spawn: 0, retire: ['worker-1'] });
});

test('an old worker that is not serving yet is retired at once', (t) => {
  t.deepEqual(plan([entry(1, 'booting', { generation: 2 })], 1, 1), {
    spawn: 1,
    retire: ['worker-1'],
  });
});

test('a recycled worker is replaced first and retires when the replacement is ready', (t) => {
  const recycling = entry(1, 'ready', { outgoing: 'recycle' });
  t.deepEqual(plan([recycling, entry(2, 'ready')], 2), { spawn: 1, retire: [] });
  t.deepEqual(plan([recycling, entry(2, 'ready'), entry(3, 'booting')], 2), {
    spawn: 0,
    retire: [],
  });
  t.deepEqual(plan([recycling, entry(2, 'ready'), entry(3, 'ready')], 2), {
    spawn: 0,
    retire: ['worker-1'],
  });
});

test('while restarts are held back nothing is spawned', (t) => {
  t.deepEqual(plan([entry(1, 'ready')], 3, 1, true), { spawn: 0, retire: [] });
});

test('a target of 0 (after WINCH) retires every worker', (t) => {
  t.deepEqual(plan([entry(1, 'ready'), entry(2, 'booting')], 0).retire.sort(), [
    'worker-1',
    'worker-2',
  ]);
});
