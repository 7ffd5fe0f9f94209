/**
 * The one rule every arbiter decision reuses (Gunicorn's `manage_workers`), generalised so that
 * reloads and recycling are the same move as scaling: compare the *current* workers (of the
 * current generation, not on their way out) with the target, spawn the shortfall or retire the
 * excess, and retire an *outgoing* worker (old generation, or asked to be recycled) only when
 * enough current workers are ready to keep the serving count at the target.
 *
 * With `--standby N`, the same rule keeps N standby workers beside them (standby-pool.ts): a
 * missing serving worker is a held standby promoted before it is a new fork.
 */
import { planPromotion, planStandbyRefill } from './standby-pool.ts';

/**
 * The arbiter's word for a worker: `standby` is a standby booted and held in reserve,
 * `promoting` one told to serve that has not reported ready yet.
 */
export type WorkerPhase = 'spawning' | 'booting' | 'standby' | 'promoting' | 'ready' | 'stopping';

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
  /** Spawned as a standby and not promoted yet: held in reserve, never counted as serving. */
  standby?: boolean;
}

export interface ConvergenceInput {
  workers: Record<string, WorkerEntry>;
  target: number;
  generation: number;
  /** While restarts are held back (crash-loop backoff), nothing new is spawned. */
  holdSpawns: boolean;
  /** Standby workers to keep beside the target (`--standby`); 0 or absent: none. */
  standby?: number;
}

export interface ConvergencePlan {
  spawn: number;
  /** Keys of the workers to retire, in the order to retire them. */
  retire: string[];
  /** Keys of held standbys to promote, each in place of a missing serving worker. */
  promote: string[];
  /** Standby workers to start (their keys come after those of `spawn`). */
  spawnStandby: number;
}

export type Keyed = [string, WorkerEntry];

/** A worker counted among the serving ones: current generation, not outgoing, no standby. */
export function isCurrent(entry: WorkerEntry, generation: number): boolean {
  return (
    entry.phase !== 'stopping' &&
    entry.generation === generation &&
    entry.outgoing === null &&
    entry.standby !== true
  );
}

/** A serving worker on its way out (old generation, recycled), still to be retired. */
export function isOutgoing(entry: WorkerEntry, generation: number): boolean {
  return entry.phase !== 'stopping' && entry.standby !== true && !isCurrent(entry, generation);
}

/**
 * @example
 * planConvergence({ workers: {}, target: 2, generation: 1, holdSpawns: false });
 * // { spawn: 2, retire: [], promote: [], spawnStandby: 0 }
 */
export function planConvergence(input: ConvergenceInput): ConvergencePlan {
  const entries = Object.entries(input.workers);
  const current = entries.filter(([, w]) => isCurrent(w, input.generation));
  const outgoing = entries.filter(([, w]) => isOutgoing(w, input.generation));
  const shortfall = Math.max(0, input.target - current.length);
  const standby = input.standby ?? 0;
  const { generation, holdSpawns } = input;
  const promotion = planPromotion({ entries, generation, shortfall, standby });
  const promote = promotion.promote;
  const spawn = holdSpawns ? 0 : shortfall - promote.length - promotion.awaited.length;
  const refill = planStandbyRefill({
    entries,
    generation,
    target: input.target,
    standby,
    reserved: [...promote, ...promotion.awaited],
    readyCurrent: current.filter(([, w]) => w.phase === 'ready').length,
    spawning: spawn,
    holdSpawns,
  });
  const retire = [
    ...excessCurrent(current, input.target),
    ...outgoingToRetire(current, outgoing, input.target),
    ...refill.retire,
  ];
  return { spawn, retire, promote, spawnStandby: refill.spawn };
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
