/**
 * The master's error log: a tslog logger writing to `--error-logfile` in `--log-format`, and the
 * reopen that USR1 triggers. The access log file is opened once here too, only to fail at start
 * (exit 1, before any socket is bound) rather than in every worker when its path is unusable.
 */
import { LogFileError } from '../errors.ts';
import { createLogger, type CorralLogger } from '../logging/create-logger.ts';
import { openLogDestination, type LogDestination } from '../logging/log-destination.ts';
import type { Settings } from '../settings/settings.ts';

export interface MasterLog {
  logger: CorralLogger;
  /** Opens the error log file again (after logrotate renamed it); stderr needs nothing. */
  reopen(): void;
}

type LogSettings = Pick<Settings, 'logLevel' | 'logFormat' | 'errorLogfile' | 'accessLogfile'>;

/**
 * @throws {LogFileError} when either log file cannot be opened for appending
 * @example
 * const { logger, reopen } = createMasterLog(settings);
 * createArbiter(settings, { logger, reopenLogs: reopen });
 */
export function createMasterLog(settings: LogSettings): MasterLog {
  const destination = open(settings.errorLogfile, '--error-logfile');
  if (settings.accessLogfile !== undefined) {
    open(settings.accessLogfile, '--access-logfile').close();
  }
  const logger = createLogger({
    level: settings.logLevel,
    format: settings.logFormat,
    name: 'master',
    destination,
  });
  return { logger, reopen: () => destination.reopen() };
}

function open(path: string, option: string): LogDestination {
  try {
    return openLogDestination(path, 'stderr');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new LogFileError(`cannot open ${option} ${path} for appending: ${reason}`, {
      cause: error,
    });
  }
}
