/**
 * One log event as one line of text: Gunicorn's shape for people, or a JSON object for
 * machines. The logger calls this from its transport; nothing here does I/O.
 */
import { formatWithOptions, type InspectOptions } from 'node:util';
import { LogFields } from './log-fields.ts';

/** `text` is Gunicorn's line; `json` is one object per line for log collectors. */
export type LogFormat = 'text' | 'json';

export interface LogEvent {
  date: Date;
  pid: number;
  /** tslog's level name: DEBUG, INFO, WARN, ERROR, FATAL. */
  level: string;
  /** The logger's name (`master`, `worker`), shown in JSON only: Gunicorn's lines have none. */
  name: string | undefined;
  /** What was passed to `log.info(...)` and friends. */
  args: readonly unknown[];
}

const inspectOptions: InspectOptions = { colors: false, breakLength: Infinity, depth: 4 };

/**
 * Formats one event without a trailing newline. In text, an Error's stack follows on the next
 * lines, as Gunicorn prints a traceback; everything else stays on one line.
 *
 * @example
 * formatLogLine({ date, pid: 1234, level: 'INFO', name: 'master',
 *   args: ['Listening at: %s (%d)', 'http://127.0.0.1:8000', 1234] }, 'text');
 * // '[2026-11-26 04:15:43 +0000] [1234] [INFO] Listening at: http://127.0.0.1:8000 (1234)'
 */
export function formatLogLine(event: LogEvent, format: LogFormat): string {
  if (format === 'json') return JSON.stringify(toJsonRecord(event));
  const printed = event.args.filter((arg) => !(arg instanceof LogFields));
  const message = formatWithOptions(inspectOptions, ...printed);
  return `[${formatTimestamp(event.date)}] [${event.pid}] [${event.level}] ${message}`;
}

/**
 * Local time with its UTC offset, as Gunicorn writes it (`%Y-%m-%d %H:%M:%S %z`).
 *
 * @example
 * formatTimestamp(new Date('2026-11-26T04:15:43Z')); // '2026-11-26 04:15:43 +0000' where TZ=UTC
 */
export function formatTimestamp(date: Date): string {
  const two = (value: number): string => String(value).padStart(2, '0');
  const day = `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
  const time = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  const offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const zone = `${sign}${two(Math.floor(Math.abs(offset) / 60))}${two(Math.abs(offset) % 60)}`;
  return `${day} ${time} ${zone}`;
}

/**
 * Plain-object and {@link LogFields} arguments become fields, an Error becomes
 * `error: { name, message, stack, ... }`, and the rest is formatted into `msg`.
 */
function toJsonRecord(event: LogEvent): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const words: unknown[] = [];
  for (const arg of event.args) {
    if (arg instanceof Error) fields.error = serializeError(arg, 3);
    else if (arg instanceof LogFields) Object.assign(fields, arg.fields);
    else if (isPlainObject(arg)) Object.assign(fields, arg);
    else words.push(arg);
  }
  return {
    time: event.date.toISOString(),
    level: event.level,
    pid: event.pid,
    ...(event.name === undefined ? {} : { name: event.name }),
    msg: formatWithOptions(inspectOptions, ...words),
    ...fields,
  };
}

/** An Error as JSON: its name, message, code when it has one, stack, and a few causes deep. */
function serializeError(error: Error, depth: number): Record<string, unknown> {
  const code = (error as { code?: unknown }).code;
  const { cause } = error;
  return {
    name: error.name,
    message: error.message,
    ...(code === undefined ? {} : { code }),
    stack: error.stack,
    ...(cause instanceof Error && depth > 1 ? { cause: serializeError(cause, depth - 1) } : {}),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
