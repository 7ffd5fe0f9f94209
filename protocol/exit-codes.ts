/**
 * The master's exit codes, and the codes a worker uses to tell the master why it could not boot.
 * They follow Gunicorn's, so supervisors and scripts written for it read corral's the same way.
 *
 * @example
 * process.exitCode = ExitCode.AppLoadError;
 */
export const ExitCode = {
  /** Stopped on request. */
  Ok: 0,
  /** Error: bad config at start, cannot bind, crash loop that exhausted the restart budget. */
  Error: 1,
  /** Usage error: unknown flag or bad value. */
  Usage: 2,
  /** A worker failed to boot: importing the app threw (syntax error, missing module, throw at top level). */
  WorkerBootError: 3,
  /** The app failed to load: the module imported but has no such export, or the export is not an app. */
  AppLoadError: 4,
  /**
   * A worker's own, never the master's: its IPC channel closed while the master still runs (the
   * app called `process.disconnect()`), so it stopped itself; the master replaces it.
   */
  WorkerChannelClosed: 5,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The two codes a worker exits with when it cannot boot; any other code is a crash. */
export type BootFailureCode = typeof ExitCode.WorkerBootError | typeof ExitCode.AppLoadError;

export function isBootFailureCode(code: number | null): code is BootFailureCode {
  return code === ExitCode.WorkerBootError || code === ExitCode.AppLoadError;
}
