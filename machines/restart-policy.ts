/**
 * How the arbiter bounds crash loops, in Erlang/OTP's terms: at most `intensity` restarts within
 * `period`; past that, each further restart waits, with exponential backoff and jitter, starting
 * at 1 s and doubling up to `backoffMax`; a crash after a wait of `backoffMax` gives up, so
 * systemd or Kubernetes can take over. A one-off crash is replaced at once.
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
  /** 0 when restarts are immediate; n > 0 after n backoff waits in a row. */
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
  if (state.recent < policy.intensity) return { kind: 'now' };
  if (state.atLimit) {
    const period = policy.periodMs / 1000;
    return {
      kind: 'give-up',
      reason: `workers keep crashing: more than ${policy.intensity} restarts within ${period} s, and again after waiting ${policy.backoffMaxMs / 1000} s; giving up (crash loop)`,
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

/** One restart left the period; once none is left, the next crash is replaced at once again. */
export function restartExpired(state: RestartState): RestartState {
  const recent = Math.max(0, state.recent - 1);
  return recent === 0
    ? { ...state, recent, backoffLevel: 0, atLimit: false }
    : { ...state, recent };
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
