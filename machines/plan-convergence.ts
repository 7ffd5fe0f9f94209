/**
 * The one rule every arbiter decision reuses (Gunicorn's `manage_workers`): compare the workers
 * that are not already stopping with the target count, then spawn the shortfall or retire the
 * excess. Scaling, crash replacement and shutdown all go through it.
 */

export type WorkerPhase = 'spawning' | 'booting' | 'ready' | 'stopping';

export interface WorkerEntry {
  workerId: number;
  pid: number | null;
  phase: WorkerPhase;
}

export interface ConvergencePlan {
  spawn: number;
  /** Keys of the workers to retire, in the order to retire them. */
  retire: string[];
}

/**
 * Workers that are not serving yet are retired first (newest first), so a burst of TTIN/TTOU
 * does not churn workers that are serving; among serving workers the oldest goes first, as in
 * Gunicorn.
 *
 * @example
 * planConvergence({ 'worker-1': { workerId: 1, pid: 10, phase: 'ready' } }, 2); // { spawn: 1, retire: [] }
 */
export function planConvergence(
  workers: Record<string, WorkerEntry>,
  target: number,
): ConvergencePlan {
  const live = Object.entries(workers).filter(([, w]) => w.phase !== 'stopping');
  if (live.length <= target) return { spawn: target - live.length, retire: [] };
  const notServing = live
    .filter(([, w]) => w.phase !== 'ready')
    .sort(([, a], [, b]) => b.workerId - a.workerId);
  const serving = live
    .filter(([, w]) => w.phase === 'ready')
    .sort(([, a], [, b]) => a.workerId - b.workerId);
  const retire = [...notServing, ...serving].slice(0, live.length - target).map(([key]) => key);
  return { spawn: 0, retire };
}

export function countInPhase(workers: Record<string, WorkerEntry>, phase: WorkerPhase): number {
  return Object.values(workers).filter((w) => w.phase === phase).length;
}
