/**
 * The one rule every arbiter decision reuses (Gunicorn's `manage_workers`), generalised so that
 * reloads and recycling are the same move as scaling: compare the *current* workers (of the
 * current generation, not on their way out) with the target, spawn the shortfall or retire the
 * excess, and retire an *outgoing* worker (old generation, or asked to be recycled) only when
 * enough current workers are ready to keep the serving count at the target.
 */

export type WorkerPhase = 'spawning' | 'booting' | 'ready' | 'stopping';

/** Why a serving worker is on its way out: a reload replaced its generation, or it asked. */
export type OutgoingReason = 'recycle';

export interface WorkerEntry {
  workerId: number;
  pid: number | null;
  phase: WorkerPhase;
  /** The settings generation it was started with; a reload starts a new one. */
  generation: number;
  /** Set when it should be replaced before it retires (max-requests, memory). */
  outgoing: OutgoingReason | null;
}

export interface ConvergenceInput {
  workers: Record<string, WorkerEntry>;
  target: number;
  generation: number;
  /** While restarts are held back (crash-loop backoff), nothing new is spawned. */
  holdSpawns: boolean;
}

export interface ConvergencePlan {
  spawn: number;
  /** Keys of the workers to retire, in the order to retire them. */
  retire: string[];
}

type Keyed = [string, WorkerEntry];

export function isCurrent(entry: WorkerEntry, generation: number): boolean {
  return entry.phase !== 'stopping' && entry.generation === generation && entry.outgoing === null;
}

export function isOutgoing(entry: WorkerEntry, generation: number): boolean {
  return entry.phase !== 'stopping' && !isCurrent(entry, generation);
}

/**
 * @example
 * planConvergence({ workers: {}, target: 2, generation: 1, holdSpawns: false }); // { spawn: 2, retire: [] }
 */
export function planConvergence(input: ConvergenceInput): ConvergencePlan {
  const entries = Object.entries(input.workers);
  const current = entries.filter(([, w]) => isCurrent(w, input.generation));
  const outgoing = entries.filter(([, w]) => isOutgoing(w, input.generation));
  const spawn = input.holdSpawns ? 0 : Math.max(0, input.target - current.length);
  const retire = [
    ...excessCurrent(current, input.target),
    ...outgoingToRetire(current, outgoing, input.target),
  ];
  return { spawn, retire };
}

/**
 * Workers that are not serving yet are retired first (newest first), so a burst of TTIN/TTOU
 * does not churn workers that are serving; among serving workers the oldest goes first, as in
 * Gunicorn.
 */
function excessCurrent(current: Keyed[], target: number): string[] {
  if (current.length <= target) return [];
  const notServing = current
    .filter(([, w]) => w.phase !== 'ready')
    .sort(([, a], [, b]) => b.workerId - a.workerId);
  const serving = current
    .filter(([, w]) => w.phase === 'ready')
    .sort(([, a], [, b]) => a.workerId - b.workerId);
  return [...notServing, ...serving].slice(0, current.length - target).map(([key]) => key);
}

/** Outgoing workers that serve nobody go at once; serving ones only as ready replacements allow. */
function outgoingToRetire(current: Keyed[], outgoing: Keyed[], target: number): string[] {
  const idle = outgoing.filter(([, w]) => w.phase !== 'ready');
  const serving = outgoing
    .filter(([, w]) => w.phase === 'ready')
    .sort(([, a], [, b]) => a.workerId - b.workerId);
  const readyCurrent = current.filter(([, w]) => w.phase === 'ready').length;
  const spare = Math.max(0, readyCurrent + serving.length - target);
  return [...idle, ...serving.slice(0, spare)].map(([key]) => key);
}

/** Ready workers of the current generation that are not on their way out. */
export function countReadyCurrent(
  workers: Record<string, WorkerEntry>,
  generation: number,
): number {
  return Object.values(workers).filter((w) => isCurrent(w, generation) && w.phase === 'ready')
    .length;
}
