/**
 * The policy for an error no request owns: an exception thrown from a timer or an event
 * handler, or a promise rejection nobody handled. The worker's state can no longer be trusted,
 * but its other in-flight requests are probably fine, so it logs the error, asks the master to
 * replace it (the `recycle` message: a replacement starts, and once it is ready this worker gets
 * a graceful stop) and keeps serving meanwhile. A second such error while it waits means the
 * damage is spreading: it exits at once with code 1, and the master restarts it as a crash.
 *
 * Installed once the worker is ready: before that the master does not act on `recycle`, and an
 * error during boot ends the worker the ordinary way (Node prints it and exits 1).
 *
 * @example
 * replaceOnUncaught(log, exitWorker);
 */
import { ExitCode } from '../../protocol/exit-codes.ts';
import { postToMaster } from './master-channel.ts';
import type { WorkerLog } from '../worker-log.ts';

export interface UncaughtPolicyOptions {
  log: Pick<WorkerLog, 'error'>;
  /** Sends the master a request to replace this worker, with a one-line reason. */
  askReplacement(detail: string): void;
  /** Ends the worker now (after `workerExit`). */
  exit(code: number): void;
}

/**
 * Takes over `uncaughtException`, which Node 20 also raises for an unhandled rejection.
 *
 * @example
 * installUncaughtPolicy({ log, askReplacement, exit: exitWorker });
 */
export function installUncaughtPolicy(options: UncaughtPolicyOptions): void {
  let replacing = false;
  process.on('uncaughtException', (error, origin) => {
    const what = origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception';
    if (replacing) {
      options.log.error(`second ${what} while waiting to be replaced; exiting now`, error);
      options.exit(ExitCode.Error);
      return;
    }
    replacing = true;
    options.log.error(`${what} outside any request; asking for a replacement`, error);
    options.askReplacement(`${what} outside any request: ${firstLine(error)}`);
  });
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n', 1)[0] ?? text;
}

/**
 * The policy as the worker entry installs it: the request for a replacement goes to the master.
 *
 * @example
 * replaceOnUncaught(log, exitWorker);
 */
export function replaceOnUncaught(
  log: Pick<WorkerLog, 'error'>,
  exit: (code: number) => void,
): void {
  installUncaughtPolicy({
    log,
    exit,
    askReplacement: (detail) => postToMaster({ act: 'recycle', reason: 'uncaught', detail }),
  });
}
