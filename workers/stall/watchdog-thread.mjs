// The stall watchdog thread (started by stall-watchdog.ts). Every few tens of milliseconds it
// reads when the main loop last turned; once the loop has been stuck long enough
// (stall-detector.mjs) it takes one snapshot of the main thread (stall-snapshot.mjs) and writes
// it to the master as one JSON line on the report pipe. It writes with writeSync on the raw fd:
// the IPC channel belongs to the main thread, which is the one that is stuck.
import { writeSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { livenessCell } from './liveness-cell.mjs';
import { createStallDetector } from './detector.mjs';
import { takeStallSnapshot } from './snapshot.mjs';

/**
 * @typedef {object} WatchdogData
 * @property {SharedArrayBuffer} buffer the liveness cell
 * @property {number} reportFd
 * @property {number} timeoutMs
 * @property {number} bootTimeoutMs
 * @property {number} bootDeadlineMs
 * @property {number} checkMs
 * @property {number} snapshotWaitMs
 * @property {string} inFlightKey
 */

const data = /** @type {WatchdogData} */ (workerData);
const cell = livenessCell(data.buffer);
const stalled = createStallDetector(data);
let reporting = false;

// This timer keeps the thread alive; the main thread unrefs the thread, so the process is not.
setInterval(() => {
  const turnedAt = cell.lastTurn();
  const phase = cell.phase();
  if (reporting || !stalled(turnedAt, phase, Date.now())) return;
  reporting = true;
  void report(turnedAt, phase).finally(() => (reporting = false));
}, data.checkMs);

/**
 * @param {number} turnedAt
 * @param {'boot' | 'serving'} phase
 */
async function report(turnedAt, phase) {
  const snapshot = await takeStallSnapshot({
    inFlightKey: data.inFlightKey,
    waitMs: data.snapshotWaitMs,
    turned: () => cell.lastTurn() !== turnedAt,
  });
  if (snapshot === null) return;
  const at = snapshot.pausedAt;
  /** @type {import('../../protocol/stall-report.ts').StallReport} */
  const stall = {
    act: 'stall',
    stalledMs: at - turnedAt,
    phase,
    stack: snapshot.stack,
    inFlight: snapshot.inFlight.map((entry) => ({
      method: String(entry.method),
      url: String(entry.url),
      runningMs: Math.max(0, at - Number(entry.startedAt)),
    })),
  };
  writeLine(data.reportFd, `${JSON.stringify(stall)}\n`);
}

/**
 * Writes the whole line or gives up quietly: a master that stopped reading must not take the
 * worker down with it.
 *
 * @param {number} fd
 * @param {string} text
 */
function writeLine(fd, text) {
  const bytes = Buffer.from(text);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let offset = 0;
  for (let tries = 0; offset < bytes.length && tries < 100; tries += 1) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EAGAIN') return;
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}
