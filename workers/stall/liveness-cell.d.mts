/**
 * Shared memory through which the main thread publishes that its event loop turns, read by the
 * stall watchdog thread (see liveness-cell.mjs for why this is JavaScript, and its layout).
 *
 * @example
 * const cell = livenessCell();
 * setInterval(() => cell.turn(Date.now()), 100).unref();
 * new Worker(watchdogUrl, { workerData: { buffer: cell.buffer } });
 * // in the thread:
 * const stalledMs = Date.now() - livenessCell(workerData.buffer).lastTurn();
 */
export interface LivenessCell {
  readonly buffer: SharedArrayBuffer;
  /** Records that the main loop turned at `nowMs` (Date.now()). */
  turn(nowMs: number): void;
  lastTurn(): number;
  setPhase(phase: 'boot' | 'serving'): void;
  phase(): 'boot' | 'serving';
}

export function livenessCell(buffer?: SharedArrayBuffer): LivenessCell;
