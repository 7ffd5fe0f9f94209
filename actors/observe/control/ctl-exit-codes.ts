/**
 * `corral ctl`'s exit codes, one table: scripts tell "the master said no" from "no master".
 *
 * @example
 * process.exitCode = CtlExitCode.NoMaster;
 */
export const CtlExitCode = {
  /** The master accepted the command (and, with `reload --wait`, the reload is done). */
  Ok: 0,
  /** The master refused the command, or it failed: a reload rolled back, a bad request. */
  Refused: 1,
  /** Usage error: unknown command or option, a bad number, no socket given. */
  Usage: 2,
  /** No master answers: no such socket, a dead one (connection refused), not a socket. */
  NoMaster: 3,
  /** The socket is there but this user may not connect to it (EACCES, EPERM). */
  PermissionDenied: 4,
  /** A master accepted the connection but did not answer in time (`--timeout`). */
  TimedOut: 5,
} as const;

export type CtlExitCodeValue = (typeof CtlExitCode)[keyof typeof CtlExitCode];

/** A ctl failure: the one-line message and the exit code it ends with. */
export class CtlFailure extends Error {
  readonly exitCode: CtlExitCodeValue;
  constructor(message: string, exitCode: CtlExitCodeValue, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = exitCode;
  }
}
