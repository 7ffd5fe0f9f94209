/**
 * The worker's own log lines, on stderr, which the master's process inherits. Plain text for now:
 * one line per event, prefixed with the worker id and pid so interleaved workers stay readable.
 */

export interface WorkerLog {
  /** Something went wrong but the worker carries on (a request handler threw). */
  error(message: string, error?: unknown): void;
  /** A notice about the worker's own lifecycle. */
  warn(message: string): void;
}

/**
 * Creates the log for one worker.
 *
 * @example
 * const log = createWorkerLog(config.workerId);
 * log.error('GET /boom failed', error);
 */
export function createWorkerLog(workerId: number): WorkerLog {
  const prefix = `[corral worker ${workerId} pid ${process.pid}]`;
  const write = (level: string, text: string): void => {
    process.stderr.write(`${prefix} ${level} ${text}\n`);
  };
  return {
    error(message, error) {
      write('ERROR', error === undefined ? message : `${message}: ${formatError(error)}`);
    },
    warn(message) {
      write('WARN', message);
    },
  };
}

function formatError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
