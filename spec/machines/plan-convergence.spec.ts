import test from 'ava';
import { planConvergence, type WorkerEntry } from '../../machines/plan-convergence.ts';

const entry = (workerId: number, phase: WorkerEntry['phase']): [string, WorkerEntry] => [
  `worker-${workerId}`,
  { workerId, pid: 100 + workerId, phase },
];

test('spawns the shortfall, ignoring workers that are already stopping', (t) => {
  const workers = Object.fromEntries([entry(1, 'ready'), entry(2, 'stopping')]);
  t.deepEqual(planConvergence(workers, 3), { spawn: 2, retire: [] });
});

test('retires workers that are not serving yet before serving ones, newest first', (t) => {
  const workers = Object.fromEntries([
    entry(1, 'ready'),
    entry(2, 'ready'),
    entry(3, 'booting'),
    entry(4, 'spawning'),
  ]);
  t.deepEqual(planConvergence(workers, 1), {
    spawn: 0,
    retire: ['worker-4', 'worker-3', 'worker-1'],
  });
});

test('among serving workers the oldest goes first', (t) => {
  const workers = Object.fromEntries([entry(5, 'ready'), entry(2, 'ready'), entry(9, 'ready')]);
  t.deepEqual(planConvergence(workers, 1).retire, ['worker-2', 'worker-5']);
});

test('does nothing at the target', (t) => {
  t.deepEqual(planConvergence(Object.fromEntries([entry(1, 'booting')]), 1), {
    spawn: 0,
    retire: [],
  });
});
