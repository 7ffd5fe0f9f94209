/**
 * Every error corral raises on purpose: one base class, one literal code each, listed in
 * docs/errors.md (a spec checks that the two agree). Wrapping errors always pass `{ cause }`.
 *
 * @example
 * throw new BindError('127.0.0.1:8000', 'address already in use');
 */
import { ExitCode, type ExitCodeValue } from './protocol/exit-codes.ts';

export abstract class CorralError extends Error {
  abstract readonly code: string;
  /** The master's exit code when this error ends it. */
  abstract readonly exitCode: ExitCodeValue;
}

/** A bad flag, a bad value, a missing APP_MODULE. */
export class UsageError extends CorralError {
  readonly code = 'ECORRAL_USAGE';
  readonly exitCode = ExitCode.Usage;
  override readonly name = 'UsageError';
}

/** A config file that is missing, cannot be parsed, or throws as it is imported. */
export class ConfigFileError extends CorralError {
  readonly code = 'ECORRAL_CONFIG_FILE';
  readonly exitCode = ExitCode.Error;
  override readonly name = 'ConfigFileError';
}

/** A listen address that cannot be bound: in use, not available, no permission. */
export class BindError extends CorralError {
  readonly code = 'ECORRAL_BIND';
  readonly exitCode = ExitCode.Error;
  override readonly name = 'BindError';
  readonly address: string;
  constructor(address: string, problem: string, options?: ErrorOptions) {
    super(`cannot listen at ${address}: ${problem}`, options);
    this.address = address;
  }
}

/** The PID file names a live process, or cannot be written. */
export class PidfileError extends CorralError {
  readonly code = 'ECORRAL_PIDFILE';
  readonly exitCode = ExitCode.Error;
  override readonly name = 'PidfileError';
}

/** `--user` or `--group` names no such user or group, or a master that is not root must switch. */
export class IdentityError extends CorralError {
  readonly code = 'ECORRAL_IDENTITY';
  readonly exitCode = ExitCode.Error;
  override readonly name = 'IdentityError';
}

/** Importing the app threw: a syntax error, a missing module, a throw at top level. */
export class WorkerBootError extends CorralError {
  readonly code = 'ECORRAL_WORKER_BOOT';
  readonly exitCode = ExitCode.WorkerBootError;
  override readonly name = 'WorkerBootError';
}

/** The app module loaded but has no such export, or the export is not an app. */
export class AppLoadError extends CorralError {
  readonly code = 'ECORRAL_APP_LOAD';
  readonly exitCode = ExitCode.AppLoadError;
  override readonly name = 'AppLoadError';
}

/** `--error-logfile` or `--access-logfile` names a file that cannot be opened for appending. */
export class LogFileError extends CorralError {
  readonly code = 'ECORRAL_LOG_FILE';
  readonly exitCode = ExitCode.Error;
  override readonly name = 'LogFileError';
}

/** `--certfile`, `--keyfile` or `--ca-certs` is missing, unreadable, or not usable PEM. */
export class TlsFileError extends CorralError {
  readonly code = 'ECORRAL_TLS_FILE';
  readonly exitCode = ExitCode.Error;
  override readonly name = 'TlsFileError';
}

/** `--control-socket` cannot be served: an unsafe directory, a live master on it, a bind error. */
export class ControlSocketError extends CorralError {
  readonly code = 'ECORRAL_CONTROL_SOCKET';
  readonly exitCode = ExitCode.Error;
  override readonly name = 'ControlSocketError';
}

/**
 * A supervision tree's spec that cannot run: an unknown strategy or restart type, a missing
 * module or command, a duplicate child id, a cycle. One line per problem, naming the field.
 */
export class SupervisorSpecError extends CorralError {
  readonly code = 'ECORRAL_SUPERVISOR_SPEC';
  readonly exitCode = ExitCode.Usage;
  override readonly name = 'SupervisorSpecError';
}
