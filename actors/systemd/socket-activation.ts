/**
 * systemd socket activation, as `sd_listen_fds(3)` reads it: when `LISTEN_PID` is this
 * process's pid, `LISTEN_FDS` sockets are open at fds 3, 4, ... (`LISTEN_FDNAMES` names them,
 * colon-separated). The master then serves on those sockets and does not bind the `bind`
 * setting, as Gunicorn does; the sockets stay systemd's, so none is ever unlinked.
 *
 * The variables are deleted from the environment as soon as they are read, whether they were
 * meant for this process or not (sd_listen_fds with `unset_environment`): workers and a master
 * started by USR2 inherit this environment, and must not take the variables for their own. A
 * USR2 upgrade hands the sockets on through its own variables (upgrade-handoff.ts).
 */
import { BindError } from '../../errors.ts';
import type { BoundListener } from '../listeners/bind-listeners.ts';
import { adoptFd } from '../listeners/fd.ts';
import type { LogSink } from '../supervision-log.ts';

export const LISTEN_PID_ENV = 'LISTEN_PID';
export const LISTEN_FDS_ENV = 'LISTEN_FDS';
export const LISTEN_FDNAMES_ENV = 'LISTEN_FDNAMES';

/** `SD_LISTEN_FDS_START`: systemd passes the sockets from fd 3 on. */
export const SD_LISTEN_FDS_START = 3;

/** One socket systemd passed. */
export interface ActivatedSocket {
  fd: number;
  /** From LISTEN_FDNAMES: `FileDescriptorName=`, or the socket unit's name. */
  name: string | undefined;
}

/**
 * Reads the activation variables and deletes them from `env`. Returns the sockets, or null when
 * there is no activation for this process (the reason is logged at debug level, or as a warning
 * when LISTEN_PID is the parent's: a wrapper such as `npx` or `npm start` was started by
 * systemd and corral is its child, so the sockets were not meant for corral).
 *
 * @example
 * const sockets = takeSocketActivation(process.env, log);
 * // [{ fd: 3, name: 'corral.socket' }] under systemd, null otherwise
 *
 * @throws {BindError} when `LISTEN_PID` is this process but `LISTEN_FDS` is not a count:
 * systemd meant to pass sockets, and binding the `bind` setting instead would hide that.
 */
export function takeSocketActivation(
  env: NodeJS.ProcessEnv,
  log: Pick<LogSink, 'debug' | 'warn'>,
  self: { pid: number; ppid: number } = process,
): ActivatedSocket[] | null {
  const { pid, ppid } = self;
  const listenPid = env[LISTEN_PID_ENV];
  const listenFds = env[LISTEN_FDS_ENV];
  const names = env[LISTEN_FDNAMES_ENV];
  for (const name of [LISTEN_PID_ENV, LISTEN_FDS_ENV, LISTEN_FDNAMES_ENV]) delete env[name];
  if (listenFds === undefined && listenPid === undefined) return null;
  if (listenPid === String(ppid) && listenPid !== String(pid)) {
    log.warn(
      `Socket activation: ignoring LISTEN_FDS=${listenFds ?? ''}: LISTEN_PID=${listenPid} is corral's parent process, not corral (${pid}); start corral itself from the service (its bin, not npx or npm) to serve on systemd's sockets`,
    );
    return null;
  }
  if (listenPid !== String(pid)) {
    log.debug(
      `Socket activation: ignoring LISTEN_FDS=${listenFds ?? ''}: LISTEN_PID=${listenPid ?? ''} is not this process (${pid})`,
    );
    return null;
  }
  if (listenFds === undefined || !/^[0-9]+$/.test(listenFds)) {
    throw new BindError(
      'the sockets from systemd',
      `${LISTEN_FDS_ENV}='${listenFds ?? ''}' is not a number of file descriptors`,
    );
  }
  const count = Number(listenFds);
  if (count === 0) {
    log.debug('Socket activation: LISTEN_FDS=0, binding the bind setting');
    return null;
  }
  const named = names?.split(':');
  return Array.from({ length: count }, (_, index) => ({
    fd: SD_LISTEN_FDS_START + index,
    // A list of the wrong length names nothing for sure: sd_listen_fds_with_names refuses it.
    name: named?.length === count ? named[index] : undefined,
  }));
}

/**
 * Adopts the activated sockets as listeners, in fd order. Either all are adopted or none: a
 * failure closes the ones already taken (their fds only; systemd keeps its own).
 *
 * @example
 * const listeners = adoptActivatedSockets(sockets);
 *
 * @throws {BindError} naming the fd (and its name) when one is not an open stream socket.
 */
export function adoptActivatedSockets(sockets: readonly ActivatedSocket[]): BoundListener[] {
  const adopted: BoundListener[] = [];
  try {
    for (const { fd, name } of sockets) {
      const label = `the systemd socket at fd ${fd}${name === undefined ? '' : ` (${name})`}`;
      adopted.push(adoptFd({ fd, label, activation: { name } }).listener);
    }
    return adopted;
  } catch (error) {
    for (const listener of adopted) listener.close();
    throw error;
  }
}

/**
 * Where a listener came from, for its `Listening at:` line: empty for a socket the master bound.
 *
 * @example
 * log.info(`Listening at: ${listener.url} (${process.pid})${listenerOrigin(listener)}`);
 * // Listening at: http://127.0.0.1:8000 (4242), from systemd socket activation (fd 3, web.socket)
 */
export function listenerOrigin(listener: BoundListener, inherited = false): string {
  if (listener.activation !== undefined) {
    const name = listener.activation.name;
    return `, from systemd socket activation (fd ${listener.fd}${name === undefined ? '' : `, ${name}`})`;
  }
  // After an upgrade the fd number of `fd://N` is the old master's; the handoff says enough.
  if (listener.address.kind === 'fd' && !inherited) return `, from fd://${listener.address.fd}`;
  return '';
}
