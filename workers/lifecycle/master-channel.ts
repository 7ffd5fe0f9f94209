/**
 * Sends worker messages up the IPC channel `child_process.fork` opened. Every send passes a
 * callback: without one, a send on a closed channel emits 'error' on `process` and crashes the
 * worker, which is the wrong end for a heartbeat that races the master's exit.
 */
import type { WorkerMessage } from '../../protocol/ipc-messages.ts';

/**
 * Sends a message if the channel is open; drops it otherwise.
 *
 * @example
 * postToMaster({ act: 'heartbeat' });
 */
export function postToMaster(message: WorkerMessage, done?: () => void): void {
  if (process.send === undefined || !process.connected) {
    done?.();
    return;
  }
  process.send(message, undefined, undefined, () => done?.());
}

/**
 * Sends a message and resolves once it is written to the channel (or the channel is gone), or
 * after `fallbackMs` in case the callback never comes. Use it before `process.exit`, which would
 * otherwise drop a message still in the queue.
 *
 * @example
 * await flushToMaster({ act: 'boot-failed', exitCode: 4, reason });
 * process.exit(4);
 */
export function flushToMaster(message: WorkerMessage, fallbackMs = 1000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, fallbackMs);
    postToMaster(message, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
