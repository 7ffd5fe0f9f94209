/**
 * The master's error log: a tslog logger writing to `--error-logfile` in `--log-format`, and the
 * reopen that USR1 triggers. The access log file is opened once here too, only to fail at start
 * (exit 1, before any socket is bound) rather than in every worker when its path is unusable.
 */
import { LogFileError } from '../errors.ts';
import { createLogger, type CorralLogger } from '../logging/create-logger.ts';
import {
  openLogDestination,
  type LogDestination,
  type LogDestinationOptions,
} from '../logging/log-destination.ts';
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
  // The file's own news (reopened after an rm, writable again) goes into it as a master line.
  const recordTo: { logger?: CorralLogger } = {};
  const destination = open(settings.errorLogfile, '--error-logfile', {
    record: (sentence) => recordTo.logger?.warn(sentence),
  });
  if (settings.accessLogfile !== undefined) {
    open(settings.accessLogfile, '--access-logfile', { name: 'access log' }).close();
  }
  const logger = createLogger({
    level: settings.logLevel,
    format: settings.logFormat,
    name: 'master',
    destination,
  });
  recordTo.logger = logger;
  return { logger, reopen: () => destination.reopen() };
}

function open(path: string, option: string, options: LogDestinationOptions): LogDestination {
  try {
    return openLogDestination(path, 'stderr', options);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new LogFileError(`cannot open ${option} ${path} for appending: ${reason}`, {
      cause: error,
    });
  }
}
