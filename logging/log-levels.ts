/**
 * corral's log levels are Gunicorn's names; tslog has its own. This is the one place that maps
 * between them, shared by the settings table (which validates `--log-level`) and the logger.
 *
 * @example
 * tslogLevelName.warning; // 'WARN'
 */

export const logLevels = ['debug', 'info', 'warning', 'error', 'critical'] as const;

export type LogLevel = (typeof logLevels)[number];

/** The tslog level each corral level filters at, and prints as. */
export const tslogLevelName = {
  debug: 'DEBUG',
  info: 'INFO',
  warning: 'WARN',
  error: 'ERROR',
  critical: 'FATAL',
} as const satisfies Record<LogLevel, string>;

export type TslogLevelName = (typeof tslogLevelName)[LogLevel];
