/**
 * The logger factory the master and the workers share: tslog does the levels and sub-loggers,
 * and every event is written as one line (Gunicorn's shape by default) to stderr.
 */
import { Logger, type ILogObj, type IMeta } from 'tslog';
import { formatLogLine, type LogFormat } from './format-log-line.ts';
import type { LogDestination } from './log-destination.ts';
import { tslogLevelName, type LogLevel } from './log-levels.ts';

export type CorralLogger = Logger<ILogObj>;

export interface CreateLoggerOptions {
  /** The least severe level written. */
  level: LogLevel;
  /** `master`, `worker`, an actor's name; sub-loggers from `getSubLogger({ name })` get their own. */
  name?: string;
  /** `text` (the default) for Gunicorn's lines, `json` for one JSON object per line. */
  format?: LogFormat;
  /** Receives each finished line without its newline; stderr by default. */
  write?: (line: string) => void;
  /** Where lines go when `write` is not given: a file reopened on USR1, or a standard stream. */
  destination?: LogDestination;
}

/**
 * Creates a logger with debug/info/warn/error/fatal methods.
 *
 * @example
 * const log = createLogger({ level: 'info', name: 'master' });
 * log.info('Listening at: %s (%d)', 'http://127.0.0.1:8000', process.pid);
 * // [2026-11-26 04:15:43 +0000] [1234] [INFO] Listening at: http://127.0.0.1:8000 (1234)
 */
export function createLogger(options: CreateLoggerOptions): CorralLogger {
  const format = options.format ?? 'text';
  const { destination } = options;
  const write =
    options.write ??
    (destination === undefined
      ? (line: string) => process.stderr.write(`${line}\n`)
      : (line: string) => destination.write(`${line}\n`));
  return new Logger<ILogObj>({
    name: options.name,
    type: 'pretty',
    minLevel: tslogLevelName[options.level],
    // Without this tslog captures a stack on every call to find the caller: about 10x slower.
    hideLogPositionForProduction: true,
    // tslog's default masks a "password" key by deep-cloning every argument of every call, which
    // was a tenth of the master's CPU at start; corral logs no objects that carry secrets.
    maskValuesOfKeys: [],
    stylePrettyLogs: false,
    overwrite: {
      // tslog's own markup is skipped: the line is built whole in the transport below.
      formatMeta: () => '',
      // Errors stay among the arguments, where the line formatter renders them.
      formatLogObj: (args) => ({ args, errors: [] }),
      transportFormatted: (_markup, args, _errors, meta) => {
        write(formatLogLine(toEvent(args, meta), format));
      },
    },
  });
}

function toEvent(args: unknown[], meta: IMeta | undefined): Parameters<typeof formatLogLine>[0] {
  return {
    date: meta?.date ?? new Date(),
    pid: process.pid,
    level: meta?.logLevelName ?? 'INFO',
    name: meta?.name,
    args,
  };
}
