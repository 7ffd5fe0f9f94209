/**
 * The signals that stop a worker, with the hooks Gunicorn runs on them: TERM drains, QUIT and
 * INT run `workerInt` and then stop at once, ABRT (the master's timeout) runs `workerAbort` and
 * exits 1. The IPC channel closing (the master is gone) is an orphaned stop.
 *
 * `workerAbort` is a JavaScript handler like any other: it runs only if the event loop is free.
 * A worker aborted because its loop is blocked never gets to it, and the master's SIGKILL
 * follows after a short grace whatever the hook is doing.
 */
import { ExitCode } from '../../protocol/exit-codes.ts';
import { reportAbort } from './abort-report.ts';
import type { WorkerHookRunner } from '../worker-hooks.ts';
import type { WorkerLog } from '../worker-log.ts';
import type { StopControl } from './worker-stop.ts';

export interface StopSignalsOptions {
  stop: StopControl;
  log: WorkerLog;
  hooks: Pick<WorkerHookRunner, 'run'>;
  /** Ends the process (after `workerExit`). */
  exit(code: number): void;
}

/**
 * @example
 * installStopSignals({ stop, log, hooks, exit: exitWorker });
 */
export function installStopSignals(options: StopSignalsOptions): void {
  const { stop, log, hooks } = options;
  let interrupted = false;
  let aborted = false;
  const quick = () => {
    if (interrupted) return;
    interrupted = true;
    afterHook(hooks.run('workerInt'), stop.quick);
  };
  const abort = () => {
    if (aborted) return;
    aborted = true;
    reportAbort(log);
    afterHook(hooks.run('workerAbort'), () => options.exit(ExitCode.Error));
  };
  process.on('SIGTERM', stop.graceful);
  process.on('SIGQUIT', quick);
  process.on('SIGINT', quick);
  // Kept after the first: SIGABRT's default action would dump core.
  process.on('SIGABRT', abort);
  // The channel closes when the master exits or is killed: do not outlive it for long. The app
  // may close it too, and then the master lives on without a way to hear this worker.
  const closedByApp = watchOwnDisconnect();
  process.on('disconnect', () => {
    if (closedByApp()) log.error(CHANNEL_CLOSED_BY_APP);
    stop.orphaned(closedByApp());
  });
}

const CHANNEL_CLOSED_BY_APP = `The app closed this worker's IPC channel to the master (process.disconnect()); the worker stops and exits with code ${ExitCode.WorkerChannelClosed} so that the master replaces it`;

/**
 * Remembers whether the app called `process.disconnect()`. Node calls the same method itself
 * when the master's end closes (from its channel's read callback), so the caller tells them
 * apart: a call from Node's own child_process code is the master going, any other the app's.
 */
function watchOwnDisconnect(): () => boolean {
  let byApp = false;
  const original = process.disconnect?.bind(process);
  if (original !== undefined) {
    process.disconnect = () => {
      const caller = new Error().stack?.split('\n')[2] ?? '';
      if (!caller.includes('node:internal/child_process')) byApp = true;
      original();
    };
  }
  return () => byApp;
}

/**
 * The worker's exit: `workerExit` first, then `exit`, once whatever asks for it later.
 *
 * @example
 * const exitWorker = exitAfterHook(hooks, (code) => process.exit(code));
 */
export function exitAfterHook(
  hooks: Pick<WorkerHookRunner, 'run'>,
  exit: (code: number) => void,
): (code: number) => void {
  let exiting = false;
  return (code) => {
    if (exiting) return;
    exiting = true;
    afterHook(hooks.run('workerExit'), () => exit(code));
  };
}

/**
 * Runs `next` once the hook is done: in the same tick when it had nothing to wait for.
 *
 * @example
 * afterHook(hooks.run('workerExit'), () => process.exit(0));
 */
export function afterHook(pending: Promise<void> | undefined, next: () => void): void {
  if (pending === undefined) next();
  else void pending.then(next);
}
