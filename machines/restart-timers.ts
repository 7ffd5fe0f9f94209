/**
 * The timers of a restart budget, shared by the arbiter and the supervisor: each restart leaves
 * the window a period later (`restart.expired`); a backoff wait ends with `restart.resume`; a
 * period after that with no crash, the budget is whole again (`restart.stable`). Both machines
 * name the delays `restartPeriod` and `restartBackoff`.
 */
import type { RestartPolicy, RestartState } from './restart-policy.ts';
import { afterRestart, decideRestart } from './restart-policy.ts';

type RestartTimerEvent = { type: 'restart.expired' | 'restart.resume' | 'restart.stable' };

/** What an enqueueActions callback offers that the timers need. */
export interface TimerQueue {
  raise(
    event: RestartTimerEvent,
    options: { delay: 'restartPeriod' | 'restartBackoff'; id?: string },
  ): void;
  cancel(id: string): void;
}

/** A restart was counted: it leaves the window a period from now. */
export function countRestart(enqueue: TimerQueue): void {
  enqueue.raise({ type: 'restart.expired' }, { delay: 'restartPeriod' });
}

/**
 * Past the budget: the state after a wait and the wait itself, with its timers started, or
 * null when the policy says to give up instead.
 */
export function startBackoff(
  enqueue: TimerQueue,
  restarts: RestartState,
  policy: RestartPolicy,
): { restarts: RestartState; delayMs: number } | null {
  const decision = decideRestart(restarts, policy);
  if (decision.kind !== 'wait') return null;
  countRestart(enqueue);
  enqueue.cancel('restart-stable');
  enqueue.cancel('restart-resume');
  enqueue.raise({ type: 'restart.resume' }, { delay: 'restartBackoff', id: 'restart-resume' });
  return { restarts: afterRestart(restarts, decision, policy), delayMs: decision.delayMs };
}

/** The wait ended: the replacements must now stay up a whole period for the budget to recover. */
export function endBackoff(enqueue: TimerQueue): void {
  enqueue.raise({ type: 'restart.stable' }, { delay: 'restartPeriod', id: 'restart-stable' });
}
