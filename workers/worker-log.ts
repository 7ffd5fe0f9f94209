/**
 * The worker's logs. Its own lines go to `--error-logfile` (stderr by default): in text, one
 * line per event prefixed with the worker id and pid so interleaved workers stay readable; in
 * JSON, the master's shape with `workerId`. Its access log (when `--access-logfile` is set) is
 * in access-log.ts. Both are reopened when the master says so over IPC (USR1 in the master).
 */
import type { IncomingMessage, RequestListener } from 'node:http';
import type { Socket } from 'node:net';
import { formatLogLine, type LogFormat } from '../logging/format-log-line.ts';
import { logFields } from '../logging/log-fields.ts';
import { logLevels, type LogLevel } from '../logging/log-levels.ts';
import { openLogDestination, type LogDestination } from '../logging/log-destination.ts';
import { isMasterMessage } from '../protocol/ipc-messages.ts';
import type { WorkerBootConfig, WorkerHttpConfig } from '../protocol/worker-boot.ts';
import { createAccessLog } from './access-log/access-log.ts';

export interface WorkerLog {
  /** Something went wrong but the worker carries on (a request handler threw). */
  error(message: string, error?: unknown): void;
  /** A notice about the worker's own lifecycle. */
  warn(message: string): void;
  /** What server hooks log through `worker.log` at these levels; filtered by `--log-level`. */
  info(message: string): void;
  debug(message: string): void;
}

export interface WorkerLogs {
  log: WorkerLog;
  /** Adds the access log around the request listener; the listener itself when it is off. */
  withAccessLog(listener: RequestListener): RequestListener;
  /** Logs an upgraded connection when it closes; undefined when the access log is off. */
  logUpgrade: ((req: IncomingMessage, socket: Socket) => void) | undefined;
}

/**
 * Opens the worker's logs, reopens them on the master's word (or on USR1), and flushes the
 * access log at exit.
 *
 * @example
 * const { log, withAccessLog } = openWorkerLogs(config);
 * server.on('request', withAccessLog(app));
 */
export function openWorkerLogs(
  config: Pick<WorkerBootConfig, 'workerId' | 'logLevel' | 'http'>,
): WorkerLogs {
  // A file's own news (reopened after an rm, writable again) goes into the error log as a line
  // of this worker's, besides stderr; when the error log is stderr, stderr has it already.
  let recordTo: WorkerLog | undefined;
  const record = (sentence: string) => recordTo?.warn(sentence);
  const errors = openOrStderr(config.http.errorLogfile, 'stderr', record);
  const log = createWorkerLog(config.workerId, config.logLevel, {
    destination: errors.destination,
    format: config.http.logFormat,
  });
  if (errors.problem !== undefined) log.warn(errors.problem);
  else if (config.http.errorLogfile !== '-') recordTo = log;
  const access = openAccessLog(config.http, log, record);
  const reopenAll = (): void => {
    reopen('error log', () => errors.destination.reopen(), log);
    if (access !== undefined) reopen('access log', () => access.reopen(), log);
  };
  process.on('message', (message) => {
    if (isMasterMessage(message) && message.act === 'reopen-logs') reopenAll();
  });
  // USR1 sent to a worker directly (or to the process group) reopens too, as in Gunicorn; with
  // no listener, Node would start its inspector on port 9229 instead.
  process.on('SIGUSR1', reopenAll);
  // A 'message' listener would otherwise keep the worker alive for as long as the channel is.
  process.channel?.unref();
  if (access !== undefined) process.on('exit', () => access.flush());
  return {
    log,
    withAccessLog: (listener) => access?.wrap(listener) ?? listener,
    logUpgrade: access?.upgraded,
  };
}

function openAccessLog(http: WorkerHttpConfig, log: WorkerLog, record: (sentence: string) => void) {
  if (http.accessLogfile === undefined) return undefined;
  const opened = openOrStderr(http.accessLogfile, 'stdout', record);
  if (opened.problem !== undefined) log.warn(opened.problem);
  return createAccessLog(opened.destination, http.accessLogformat);
}

/**
 * The master opened the file already, so this fails only when the worker runs as another user
 * (`--user`) that may not write it: the lines then go to the standard stream, with a warning.
 */
function openOrStderr(
  path: string,
  standard: 'stdout' | 'stderr',
  record: (sentence: string) => void,
) {
  try {
    return { destination: openLogDestination(path, standard, { record }), problem: undefined };
  } catch (error) {
    const problem = `cannot open ${path} for appending (${String(error)}); writing to ${standard}`;
    return { destination: openLogDestination('-', standard), problem };
  }
}

function reopen(what: string, action: () => void, log: WorkerLog): void {
  try {
    action();
  } catch (error) {
    // The old file stays open, so lines still land somewhere; the next USR1 tries again.
    log.error(`cannot reopen the ${what}`, error);
  }
}

export interface WorkerLogOutput {
  destination: LogDestination;
  format: LogFormat;
}

const stderrText: WorkerLogOutput = {
  destination: openLogDestination('-', 'stderr'),
  format: 'text',
};

/**
 * Creates the log for one worker. `level` filters info and debug lines only: warnings and errors
 * are what an operator must see from a worker whatever the level.
 *
 * @example
 * const log = createWorkerLog(config.workerId, config.logLevel);
 * log.error('GET /boom failed', error);
 */
export function createWorkerLog(
  workerId: number,
  level: string = 'info',
  output: WorkerLogOutput = stderrText,
): WorkerLog {
  const write = lineWriter(workerId, output);
  const shows = (wanted: LogLevel) => rank(wanted) >= rank(level);
  return {
    error(message, error) {
      write('ERROR', message, error);
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

type Writer = (level: string, message: string, error?: unknown) => void;

/** One whole line per event, in one write. */
function lineWriter(workerId: number, { destination, format }: WorkerLogOutput): Writer {
  if (format === 'json') {
    return (level, message, error) => {
      const args = [message, logFields({ workerId }), ...(error === undefined ? [] : [error])];
      const event = { date: new Date(), pid: process.pid, level, name: 'worker', args };
      destination.write(`${formatLogLine(event, 'json')}\n`);
    };
  }
  const prefix = `[corral worker ${workerId} pid ${process.pid}]`;
  return (level, message, error) => {
    const text = error === undefined ? message : `${message}: ${formatError(error)}`;
    destination.write(`${prefix} ${level} ${text}\n`);
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
