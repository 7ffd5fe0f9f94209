// The shared memory through which a worker's main thread tells its stall watchdog thread that
// its event loop still turns. Plain JavaScript, because the watchdog thread runs without tsx
// (see stall-watchdog.ts); liveness-cell.d.mts gives TypeScript its types.
//
// Layout of the 16-byte SharedArrayBuffer:
//   bytes 0-7   BigInt64  Date.now() of the last turn of the main loop
//   bytes 8-11  Int32     phase: 0 loading the app, 1 serving

const SERVING = 1;

/**
 * Wraps a liveness buffer, creating one when none is given: the main thread creates it and
 * passes `buffer` to the thread, which wraps the same memory.
 *
 * @param {SharedArrayBuffer} [buffer]
 */
export function livenessCell(buffer = new SharedArrayBuffer(16)) {
  const turnedAt = new BigInt64Array(buffer, 0, 1);
  const phase = new Int32Array(buffer, 8, 1);
  return {
    buffer,
    /** @param {number} nowMs */
    turn(nowMs) {
      Atomics.store(turnedAt, 0, BigInt(nowMs));
    },
    /** @returns {number} */
    lastTurn() {
      return Number(Atomics.load(turnedAt, 0));
    },
    /** @param {'boot' | 'serving'} value */
    setPhase(value) {
      Atomics.store(phase, 0, value === 'serving' ? SERVING : 0);
    },
    /** @returns {'boot' | 'serving'} */
    phase() {
      return Atomics.load(phase, 0) === SERVING ? 'serving' : 'boot';
    },
  };
}
