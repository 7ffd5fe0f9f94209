// Decides when the stall watchdog reports: once per stall, when the main loop has been stuck for
// half of what the master allows it. Plain JavaScript, because the watchdog thread runs without
// tsx (see stall-watchdog.ts); stall-detector.d.mts gives TypeScript its types.
//
// Why half: while serving, heartbeats go out every timeout/4 (at most 1 s apart), so the master
// gives up 0.75 to 1 timeout after the loop stopped; a report at 0.5 leaves time to take the
// stack before SIGABRT. While booting, the master counts boot-timeout from the fork, so a loop
// that stops late in the boot has only what is left of it: half of that.

/** The share of the master's allowance a stall may last before it is reported. */
export const STALL_FRACTION = 0.5;

/**
 * @typedef {object} StallLimits
 * @property {number} timeoutMs the master's heartbeat timeout (0: off)
 * @property {number} bootTimeoutMs the master's boot timeout (0: off)
 * @property {number} bootDeadlineMs Date.now() at which the master's boot timeout fires
 */

/**
 * Returns a check to call periodically with the last turn of the loop, the phase and the time.
 * It answers true once per stall (a stall ends when the last turn changes).
 *
 * @param {StallLimits} limits
 * @returns {(lastTurnMs: number, phase: 'boot' | 'serving', nowMs: number) => boolean}
 */
export function createStallDetector(limits) {
  let reportedTurn = Number.NaN;
  return (lastTurnMs, phase, nowMs) => {
    if (lastTurnMs === reportedTurn) return false;
    const allowance = allowanceMs(limits, phase, lastTurnMs);
    if (allowance <= 0 || nowMs - lastTurnMs < STALL_FRACTION * allowance) return false;
    reportedTurn = lastTurnMs;
    return true;
  };
}

/**
 * How long the master lets the loop stay stuck from `lastTurnMs` on; 0 when it never gives up.
 *
 * @param {StallLimits} limits
 * @param {'boot' | 'serving'} phase
 * @param {number} lastTurnMs
 */
function allowanceMs(limits, phase, lastTurnMs) {
  if (phase === 'serving') return Math.max(0, limits.timeoutMs);
  if (limits.bootTimeoutMs <= 0) return 0;
  return Math.max(0, limits.bootDeadlineMs - lastTurnMs);
}
