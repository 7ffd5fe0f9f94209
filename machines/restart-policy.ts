/**
 * How a supervisor bounds crash loops, in Erlang/OTP's terms: at most `intensity` restarts within
 * `period`; past that, each further restart waits, with exponential backoff and jitter, starting
 * at 1 s and doubling up to `backoffMax`; a crash after a wait of `backoffMax` gives up, so
 * systemd or Kubernetes can take over. With `backoffMax` 0 there is no wait: past the budget it
 * gives up at once, as OTP does. A one-off crash is replaced at once.
 *
 * Once waiting has begun, the budget is whole again only after the children *stayed up* for a
 * period (`restartStable`, armed when a wait ends), not merely after a period passed: a wait
 * longer than the period would otherwise empty the window and start the sawtooth again.
 *
 * Pure: the jitter comes from a seed kept in the arbiter's context, so specs are repeatable and
 * snapshots stay plain data.
 */

export interface RestartPolicy {
  intensity: number;
  periodMs: number;
  backoffMaxMs: number;
}

export interface RestartState {
  /** Restarts inside the current period (each expires `periodMs` after it happened). */
  recent: number;
  /** 0 when restarts are immediate; n > 0 after n backoff waits since the children last stayed up. */
  backoffLevel: number;
  /** Whether the last wait already was the longest allowed. */
  atLimit: boolean;
  /** Seed of the jitter sequence. */
  seed: number;
}

export type RestartDecision =
  { kind: 'now' } | { kind: 'wait'; delayMs: number } | { kind: 'give-up'; reason: string };

export const FIRST_BACKOFF_MS = 1_000;

export function initialRestartState(seed: number): RestartState {
  return {
    recent: 0,
    backoffLevel: 0,
    atLimit: false,
    seed: Math.abs(Math.floor(seed)) % 2_147_483_647 || 1,
  };
}

/**
 * @example
 * decideRestart(initialRestartState(1), { intensity: 5, periodMs: 10_000, backoffMaxMs: 30_000 }); // { kind: 'now' }
 */
export function decideRestart(state: RestartState, policy: RestartPolicy): RestartDecision {
  if (state.backoffLevel === 0 && state.recent < policy.intensity) return { kind: 'now' };
  const budget = `more than ${policy.intensity} ${policy.intensity === 1 ? 'restart' : 'restarts'} within ${policy.periodMs / 1000} s`;
  if (policy.backoffMaxMs <= 0) return { kind: 'give-up', reason: budget };
  if (state.atLimit) {
    return {
      kind: 'give-up',
      reason: `${budget}, and again after waiting ${policy.backoffMaxMs / 1000} s`,
    };
  }
  return {
    kind: 'wait',
    delayMs: Math.round(backoffBase(state, policy) * (0.75 + 0.5 * unit(state.seed))),
  };
}

/** The state after a restart was decided (`now`, or a wait of `delayMs`). */
export function afterRestart(
  state: RestartState,
  decision: RestartDecision,
  policy: RestartPolicy,
): RestartState {
  if (decision.kind !== 'wait') return { ...state, recent: state.recent + 1 };
  return {
    recent: state.recent + 1,
    backoffLevel: state.backoffLevel + 1,
    atLimit: backoffBase(state, policy) >= policy.backoffMaxMs,
    seed: nextSeed(state.seed),
  };
}

/** One restart left the period. Waits already under way are not forgotten by this alone. */
export function restartExpired(state: RestartState): RestartState {
  return { ...state, recent: Math.max(0, state.recent - 1) };
}

/** The children restarted after a wait stayed up for a whole period: the budget is whole again. */
export function restartStable(state: RestartState): RestartState {
  return { ...state, recent: 0, backoffLevel: 0, atLimit: false };
}

/** The wait before jitter: 1 s, doubling with each wait in a row, capped at backoffMax. */
function backoffBase(state: RestartState, policy: RestartPolicy): number {
  return Math.min(FIRST_BACKOFF_MS * 2 ** state.backoffLevel, policy.backoffMaxMs);
}

// Park–Miller: small, pure and good enough to spread restarts apart.
function nextSeed(seed: number): number {
  return (seed * 48_271) % 2_147_483_647;
}

function unit(seed: number): number {
  return (nextSeed(seed) % 10_000) / 10_000;
}
