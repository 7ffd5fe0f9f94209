/**
 * The one rule every supervisor decision reuses, after each event: which children to stop and
 * which to start next. Order is OTP's: children start in order, each only once the ones before
 * it are ready, and stop in reverse order, one at a time; a restart group (one_for_all,
 * rest_for_one) is stopped entirely before any of it starts again. Dynamic children
 * (simple_one_for_one) have no order: they start and stop side by side.
 */
import type { ChildState } from './supervisor-types.ts';

export interface PlanInput {
  order: readonly string[];
  children: Readonly<Record<string, ChildState>>;
  /** Dynamic children: no order between them. */
  parallel: boolean;
  /** While a restart backoff runs, nothing is started. */
  holdSpawns: boolean;
}

export interface SupervisionStep {
  stop: string[];
  start: string[];
}

const alive = (child: ChildState) => child.phase === 'starting' || child.phase === 'ready';

/**
 * @example
 * planSupervision({ order: ['a', 'b'], children, parallel: false, holdSpawns: false });
 * // { stop: [], start: ['a'] } while nothing runs yet
 */
export function planSupervision(input: PlanInput): SupervisionStep {
  const entries = input.order.flatMap((id) => {
    const child = input.children[id];
    return child === undefined ? [] : [[id, child] as const];
  });
  const toStop = entries.filter(([, c]) => c.stopRequested && alive(c)).map(([id]) => id);
  if (input.parallel) {
    const start = input.holdSpawns
      ? []
      : entries.filter(([, c]) => c.wanted && !c.stopRequested && c.phase === 'down');
    return { stop: toStop, start: start.map(([id]) => id) };
  }
  if (entries.some(([, c]) => c.phase === 'stopping')) return { stop: [], start: [] };
  if (toStop.length > 0) return { stop: [toStop.at(-1)!], start: [] };
  if (input.holdSpawns || entries.some(([, c]) => c.phase === 'starting')) {
    return { stop: [], start: [] };
  }
  const next = entries.find(([, c]) => c.wanted && c.phase !== 'ready');
  return { stop: [], start: next !== undefined && next[1].phase === 'down' ? [next[0]] : [] };
}

/** Whether every child that should run is running and ready. */
export function allWantedReady(children: Readonly<Record<string, ChildState>>): boolean {
  return Object.values(children).every((c) => !c.wanted || c.phase === 'ready');
}

/** Whether no child is running or on its way out. */
export function noneAlive(children: Readonly<Record<string, ChildState>>): boolean {
  return Object.values(children).every((c) => c.phase === 'down');
}
