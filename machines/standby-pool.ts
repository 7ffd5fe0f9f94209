/**
 * The standby pool's part of the convergence rule (`--standby N`): standby workers are booted
 * with the app loaded and held, listening with accept stopped and not counted, so that a missing
 * serving worker is a promotion (a message and a `readStart`) instead of a fork and a boot.
 *
 * - A missing serving worker (a crash, a timeout kill, a recycle, TTIN) is made up from the
 *   held standbys first, oldest first; one still booting is waited for rather than forked anew.
 * - Standbys are started only when the target number of serving workers is ready, so they
 *   never slow the serving workers' own boot, and a new one only after a promotion is done.
 * - The memory bound: a standby is started only while every worker process the arbiter has
 *   (stopping ones included, until they exit) plus the new one stays within target + standby.
 *   Serving workers are spawned as before; what a reload or a recycle already allows (old and
 *   new side by side) is never added to by standbys.
 * - Standbys of another generation run old code: they are retired at once, and so are
 *   standbys beyond the count wanted, those not held yet first.
 */
import type { ArbiterContext } from './arbiter-types.ts';
import type { Keyed, WorkerEntry } from './plan-convergence.ts';

/** What the arbiter's `running` state shows of the pool (see arbiter-machine.ts). */
export type StandbyStage = 'none' | 'warming' | 'held' | 'promoting';

/**
 * Standbys wanted now: `--standby`, but none while WINCH holds, during a reload (the old ones
 * run old code, the new ones wait for the new workers), or after a failed standby boot.
 */
export function wantedStandby(
  context: Pick<
    ArbiterContext,
    'standby' | 'paused' | 'rollbackGeneration' | 'standbyFailedIn' | 'generation'
  >,
): number {
  const suspended = context.standbyFailedIn === context.generation;
  const none = context.paused || context.rollbackGeneration !== null || suspended;
  return none ? 0 : context.standby;
}

/** A standby not yet promoted or retired, of any generation. */
export function isStandby(entry: WorkerEntry): boolean {
  return entry.standby === true && entry.phase !== 'stopping';
}

const byId = ([, a]: Keyed, [, b]: Keyed) => a.workerId - b.workerId;

export interface PromotionInput {
  entries: Keyed[];
  generation: number;
  /** Serving workers missing from the target. */
  shortfall: number;
  standby: number;
}

export interface PromotionPlan {
  /** Held standbys to promote now. */
  promote: string[];
  /** Standbys still booting that will be promoted once held, instead of new forks. */
  awaited: string[];
}

/**
 * @example
 * planPromotion({ entries, generation: 1, shortfall: 1, standby: 1 }); // { promote: ['worker-3'], awaited: [] }
 */
export function planPromotion(input: PromotionInput): PromotionPlan {
  const pool = input.entries
    .filter(([, w]) => isStandby(w) && w.generation === input.generation)
    .sort(byId);
  const held = pool.filter(([, w]) => w.phase === 'standby');
  const promote = held.slice(0, input.shortfall);
  // With standby 0 (WINCH, a failed standby boot) a booting standby is retired, not awaited.
  const booting = input.standby === 0 ? [] : pool.filter(([, w]) => w.phase !== 'standby');
  const awaited = booting.slice(0, input.shortfall - promote.length);
  return { promote: promote.map(([key]) => key), awaited: awaited.map(([key]) => key) };
}

export interface RefillInput {
  entries: Keyed[];
  generation: number;
  target: number;
  standby: number;
  /** Keys already spoken for by {@link planPromotion}: not part of the pool any more. */
  reserved: readonly string[];
  /** Ready serving workers of the current generation. */
  readyCurrent: number;
  /** Serving workers about to be spawned by the same plan. */
  spawning: number;
  holdSpawns: boolean;
}

export interface RefillPlan {
  spawn: number;
  retire: string[];
}

/**
 * @example
 * planStandbyRefill({ entries, generation: 1, target: 1, standby: 1, reserved: [], readyCurrent: 1, spawning: 0, holdSpawns: false });
 */
export function planStandbyRefill(input: RefillInput): RefillPlan {
  const standbys = input.entries.filter(([, w]) => isStandby(w));
  const old = standbys.filter(([, w]) => w.generation !== input.generation);
  const kept = standbys
    .filter(([key, w]) => w.generation === input.generation && !input.reserved.includes(key))
    .sort(byId);
  // Not held yet first, newest first: the ones that cost least to give up.
  const byCost = [
    ...kept.filter(([, w]) => w.phase !== 'standby').reverse(),
    ...kept.filter(([, w]) => w.phase === 'standby').reverse(),
  ];
  const excess = byCost.slice(0, Math.max(0, kept.length - input.standby));
  const retire = [...old, ...excess].map(([key]) => key);
  // Serving workers first: no standby boots while one of the target is missing or booting.
  if (input.holdSpawns || input.readyCurrent < input.target) return { spawn: 0, retire };
  const room = input.target + input.standby - (input.entries.length + input.spawning);
  return { spawn: Math.max(0, Math.min(input.standby - kept.length, room)), retire };
}

/**
 * Where the pool is, for the arbiter's statechart: a promotion under way, no standby wanted,
 * every wanted standby held, or fewer held than wanted (booting, or waiting their turn).
 *
 * @example
 * standbyStage({}, 1, 0); // 'none'
 */
export function standbyStage(
  workers: Record<string, WorkerEntry>,
  generation: number,
  wanted: number,
): StandbyStage {
  const entries = Object.values(workers);
  if (entries.some((w) => w.phase === 'promoting')) return 'promoting';
  if (wanted === 0) return 'none';
  const held = entries.filter(
    (w) => isStandby(w) && w.generation === generation && w.phase === 'standby',
  ).length;
  return held >= wanted ? 'held' : 'warming';
}

/**
 * Whom a promotion stands in for, for the log: the worker whose exit left the gap, or the one
 * being recycled; null when the gap has another cause (TTIN, a standby that became held).
 */
export function standingInFor(
  workers: Record<string, WorkerEntry>,
  generation: number,
  event: { type: string; workerId?: number; cause?: string },
): number | null {
  if (event.type === 'worker.exited' && event.cause !== 'stopped') return event.workerId ?? null;
  const recycled = Object.values(workers).find(
    (w) => w.outgoing === 'recycle' && w.phase !== 'stopping' && w.generation === generation,
  );
  return recycled?.workerId ?? null;
}
