/**
 * The worker's own log lines, on stderr, which the master's process inherits. Plain text for now:
 * one line per event, prefixed with the worker id and pid so interleaved workers stay readable.
 */
import { logLevels, type LogLevel } from '../logging/log-levels.ts';

export interface WorkerLog {
  /** Something went wrong but the worker carries on (a request handler threw). */
  error(message: string, error?: unknown): void;
  /** A notice about the worker's own lifecycle. */
  warn(message: string): void;
  /** What server hooks log through `worker.log` at these levels; filtered by `--log-level`. */
  info(message: string): void;
  debug(message: string): void;
}

/**
 * Creates the log for one worker. `level` filters info and debug lines only: warnings and errors
 * are what an operator must see from a worker whatever the level.
 *
 * @example
 * const log = createWorkerLog(config.workerId, config.logLevel);
 * log.error('GET /boom failed', error);
 */
export function createWorkerLog(workerId: number, level: string = 'info'): WorkerLog {
  const prefix = `[corral worker ${workerId} pid ${process.pid}]`;
  const write = (tag: string, text: string): void => {
    process.stderr.write(`${prefix} ${tag} ${text}\n`);
  };
  const shows = (wanted: LogLevel) => rank(wanted) >= rank(level);
  return {
    error(message, error) {
      write('ERROR', error === undefined ? message : `${message}: ${formatError(error)}`);
    },
    warn(message) {
      write('WARN', message);
    },
    info(message) {
      if (shows('info')) write('INFO', message);
    },
    debug(message) {
      if (shows('debug')) write('DEBUG', message);
    },
  };
}

function rank(level: string): number {
  const index = (logLevels as readonly string[]).indexOf(level);
  return index === -1 ? logLevels.indexOf('info') : index;
}

function formatError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
