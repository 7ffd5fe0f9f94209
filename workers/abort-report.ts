/**
 * What a worker says when the master aborts it (SIGABRT: no heartbeat within `timeout`).
 *
 * This is the seam for the stuck-stack report: a later change writes where the main loop was
 * stuck here. Note that this JS handler only runs once the loop is free again; a loop that is
 * still blocked cannot run it, so the master follows SIGABRT with SIGKILL.
 */
import type { WorkerLog } from './worker-log.ts';

/**
 * Writes the abort note to the worker's log.
 *
 * @example
 * process.on('SIGABRT', () => { reportAbort(log); process.exit(1); });
 */
export function reportAbort(log: WorkerLog): void {
  log.warn('aborted by the master (no heartbeat within the timeout); exiting');
}
