/**
 * Pure updates of the arbiter's worker table (`worker-N` → entry). Kept out of the machine so
 * each rule reads on its own and the machine file stays a statechart.
 */
import type { RecycleReason } from '../protocol/ipc-messages.ts';
import type { ArbiterContext, RetiredFor } from './arbiter-types.ts';
import { isCurrent, type WorkerEntry } from './plan-convergence.ts';

/** A worker waiting for its turn to be recycled, with what it said. */
export interface RecycleRequest {
  workerId: number;
  reason: RecycleReason;
  detail: string;
}

interface RecycleState {
  workers: WorkerTable;
  recycleQueue: RecycleRequest[];
}

export type WorkerTable = Record<string, WorkerEntry>;

export const workerKey = (workerId: number): string => `worker-${workerId}`;

export function patchWorker(
  workers: WorkerTable,
  workerId: number,
  patch: Partial<WorkerEntry>,
): WorkerTable {
  const key = workerKey(workerId);
  const entry = workers[key];
  return entry === undefined ? workers : { ...workers, [key]: { ...entry, ...patch } };
}

export function withoutWorker(workers: WorkerTable, workerId: number): WorkerTable {
  const { [workerKey(workerId)]: _gone, ...rest } = workers;
  return rest;
}

function recycleUnderWay(workers: WorkerTable): boolean {
  return Object.values(workers).some((w) => w.phase !== 'stopping' && w.outgoing === 'recycle');
}

/**
 * A worker asked to be recycled. One recycle runs at a time, so workers never all restart
 * together (Gunicorn's jitter alone does not prevent it); the others wait in the queue.
 * Only a current, serving worker is recycled: an old generation is already being replaced.
 *
 * @example
 * requestRecycle({ workers, recycleQueue: [] }, { workerId: 3, reason: 'max-requests', detail: '' }, 1);
 */
export function requestRecycle(
  state: RecycleState,
  request: RecycleRequest,
  generation: number,
): RecycleState & { started: boolean } {
  const entry = state.workers[workerKey(request.workerId)];
  if (entry === undefined || !isCurrent(entry, generation)) return { ...state, started: false };
  if (recycleUnderWay(state.workers)) {
    const queued = state.recycleQueue.some((r) => r.workerId === request.workerId);
    const recycleQueue = queued ? state.recycleQueue : [...state.recycleQueue, request];
    return { workers: state.workers, recycleQueue, started: false };
  }
  const workers = patchWorker(state.workers, request.workerId, { outgoing: 'recycle' });
  return { workers, recycleQueue: state.recycleQueue, started: true };
}

/** When no recycle is under way, the next queued worker that is still current starts its own. */
export function nextRecycle(
  state: RecycleState,
  generation: number,
): RecycleState & { started: RecycleRequest | null } {
  if (recycleUnderWay(state.workers)) return { ...state, started: null };
  const queue = [...state.recycleQueue];
  for (let request = queue.shift(); request !== undefined; request = queue.shift()) {
    const entry = state.workers[workerKey(request.workerId)];
    if (entry !== undefined && isCurrent(entry, generation)) {
      const workers = patchWorker(state.workers, request.workerId, { outgoing: 'recycle' });
      return { workers, recycleQueue: queue, started: request };
    }
  }
  return { workers: state.workers, recycleQueue: [], started: null };
}

/**
 * Why a worker that exited when asked had been asked, when there was more to it than a stop.
 *
 * @example
 * retiredBecause(context.workers['worker-1'], context); // 'reload'
 */
export function retiredBecause(
  entry: WorkerEntry | undefined,
  context: Pick<ArbiterContext, 'generation' | 'rollbackGeneration'>,
): RetiredFor | undefined {
  if (entry === undefined) return undefined;
  if (entry.outgoing === 'recycle') return 'recycle';
  // A reload retires the standbys (their code is old) before its new generation is numbered.
  const reloading = entry.standby === true && context.rollbackGeneration !== null;
  return entry.generation !== context.generation || reloading ? 'reload' : undefined;
}

/** Whether every current worker is ready at the target and no old-generation worker remains. */
export function generationSettled(
  workers: WorkerTable,
  generation: number,
  target: number,
): boolean {
  const live = Object.values(workers).filter((w) => w.phase !== 'stopping');
  const current = live.filter((w) => isCurrent(w, generation));
  const old = live.filter((w) => w.generation !== generation);
  return old.length === 0 && current.length >= target && current.every((w) => w.phase === 'ready');
}
