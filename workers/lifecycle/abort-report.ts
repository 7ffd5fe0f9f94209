/**
 * What a worker says when the master aborts it (SIGABRT: no heartbeat within `timeout`).
 *
 * Where the main loop was stuck is not reported here: this JS handler only runs once the loop
 * is free again, and a loop that is still blocked cannot run it (so the master follows SIGABRT
 * with SIGKILL). The stall watchdog thread (stall-watchdog.ts) reports the stuck stack and the
 * requests in flight before the timeout fires.
 */
import type { WorkerLog } from '../worker-log.ts';

/**
 * Writes the abort note to the worker's log.
 *
 * @example
 * process.on('SIGABRT', () => { reportAbort(log); process.exit(1); });
 */
export function reportAbort(log: WorkerLog): void {
  log.warn('aborted by the master (no heartbeat within the timeout); exiting');
}
