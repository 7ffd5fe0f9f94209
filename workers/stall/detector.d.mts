/**
 * When the stall watchdog reports (see stall-detector.mjs for the reasoning).
 *
 * @example
 * const stalled = createStallDetector({ timeoutMs: 30_000, bootTimeoutMs: 30_000, bootDeadlineMs });
 * if (stalled(cell.lastTurn(), cell.phase(), Date.now())) await report();
 */
export const STALL_FRACTION: number;

export interface StallLimits {
  /** The master's heartbeat timeout in ms (0: off). */
  timeoutMs: number;
  /** The master's boot timeout in ms (0: off). */
  bootTimeoutMs: number;
  /** `Date.now()` at which the master's boot timeout fires. */
  bootDeadlineMs: number;
}

export function createStallDetector(
  limits: StallLimits,
): (lastTurnMs: number, phase: 'boot' | 'serving', nowMs: number) => boolean;
