/**
 * What an old master tells the new master it starts on USR2, in three environment variables
 * (Gunicorn passes `GUNICORN_PID` and `GUNICORN_FD` the same way):
 *
 * - `CORRAL_UPGRADE_FROM`: the old master's pid; the new master is not promoted until that
 *   process has exited.
 * - `CORRAL_FDS`: the listening sockets the new master inherits, as its fds: `3,4`.
 * - `CORRAL_FD_ADDRESSES`: for each of them, in the same order, the address as configured and
 *   as bound, as JSON: `[{"bind":"127.0.0.1:0","url":"http://127.0.0.1:43125"}]`. The new
 *   master cannot ask an fd what it was bound for without wrapping it in a libuv handle, and
 *   the configured form (port 0, a host name) is needed to compare with its own settings. A
 *   socket from systemd socket activation is marked `"activation":{"name":"web.socket"}`: the
 *   new master, which finds no LISTEN_FDS of its own, must still know that `bind` is unused.
 *
 * The new master takes the variables out of its environment at once, so its workers, and any
 * master it starts later, do not inherit stale ones.
 */
import { BindError } from '../../errors.ts';
import { FIRST_LISTENER_FD } from '../../protocol/worker-boot.ts';
import { checkAddress, formatAddress, type ParsedAddress } from '../../settings/parse-address.ts';

export const UPGRADE_FROM_ENV = 'CORRAL_UPGRADE_FROM';
export const FDS_ENV = 'CORRAL_FDS';
export const FD_ADDRESSES_ENV = 'CORRAL_FD_ADDRESSES';

/** One listening socket a new master inherits. */
export interface InheritedSocket {
  /** Its file descriptor in the new master. */
  fd: number;
  /** The address as the old master's settings gave it: `127.0.0.1:0`, `unix:/run/app.sock`. */
  bind: string;
  /** The address as bound, for logs and workers: `http://127.0.0.1:43125`. */
  url: string;
  /** Set for a socket that came from systemd socket activation. */
  activation?: { name: string | undefined };
}

export interface Handoff {
  /** The old master's pid. */
  from: number;
  sockets: InheritedSocket[];
}

/**
 * The variables for a new master that gets `listeners` as its fds 3, 4, ... (the spawn's stdio
 * entries 3, 4, ...).
 *
 * @example
 * spawn(file, args, { env: { ...process.env, ...handoffEnv(process.pid, listeners) } });
 */
export function handoffEnv(
  from: number,
  listeners: readonly (Pick<InheritedSocket, 'url' | 'activation'> & { address: ParsedAddress })[],
): Record<string, string> {
  const fds = listeners.map((_, index) => FIRST_LISTENER_FD + index);
  const addresses = listeners.map(({ address, url, activation }) => ({
    bind: formatAddress(address),
    url,
    ...(activation === undefined ? {} : { activation }),
  }));
  return {
    [UPGRADE_FROM_ENV]: String(from),
    [FDS_ENV]: fds.join(','),
    [FD_ADDRESSES_ENV]: JSON.stringify(addresses),
  };
}

/**
 * Reads the handoff from `env` and deletes the variables from it; null when this master was
 * not started by an upgrade.
 *
 * @example
 * const handoff = takeHandoff(process.env); // { from: 4242, sockets: [{ fd: 3, ... }] } or null
 *
 * @throws {BindError} when the variables are incomplete or malformed: the sockets cannot be
 * adopted, and binding afresh would fail on the addresses the old master still holds.
 */
export function takeHandoff(env: NodeJS.ProcessEnv): Handoff | null {
  const raw = [env[UPGRADE_FROM_ENV], env[FDS_ENV], env[FD_ADDRESSES_ENV]] as const;
  for (const name of [UPGRADE_FROM_ENV, FDS_ENV, FD_ADDRESSES_ENV]) delete env[name];
  const [from, fds, addresses] = raw;
  if (from === undefined && fds === undefined && addresses === undefined) return null;
  if (from === undefined || fds === undefined || addresses === undefined) {
    throw malformed(`${UPGRADE_FROM_ENV}, ${FDS_ENV} and ${FD_ADDRESSES_ENV} go together`);
  }
  return { from: parsePid(from), sockets: parseSockets(fds, addresses) };
}

function parsePid(text: string): number {
  const pid = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(pid) || pid <= 0) {
    throw malformed(`${UPGRADE_FROM_ENV}='${text}' is not a pid`);
  }
  return pid;
}

function parseSockets(fdsText: string, addressesText: string): InheritedSocket[] {
  if (!/^[0-9]+(,[0-9]+)*$/.test(fdsText)) {
    throw malformed(`${FDS_ENV}='${fdsText}' is not a list of file descriptors`);
  }
  const fds = fdsText.split(',').map(Number);
  let addresses: unknown;
  try {
    addresses = JSON.parse(addressesText);
  } catch (error) {
    throw malformed(`${FD_ADDRESSES_ENV} is not JSON`, error);
  }
  if (!Array.isArray(addresses) || addresses.length !== fds.length || !addresses.every(isPair)) {
    throw malformed(
      `${FD_ADDRESSES_ENV} does not describe the ${fds.length} sockets of ${FDS_ENV}`,
    );
  }
  const pairs = addresses as Omit<InheritedSocket, 'fd'>[];
  return fds.map((fd, index) => {
    const { bind, url, activation } = pairs[index]!;
    return activation === undefined ? { fd, bind, url } : { fd, bind, url, activation };
  });
}

function isPair(value: unknown): value is Omit<InheritedSocket, 'fd'> {
  if (typeof value !== 'object' || value === null) return false;
  const { bind, url, activation } = value as Record<string, unknown>;
  return typeof bind === 'string' && typeof url === 'string' && isActivation(activation);
}

function isActivation(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'object' || value === null) return false;
  const { name } = value as { name?: unknown };
  return name === undefined || typeof name === 'string';
}

function malformed(problem: string, cause?: unknown): BindError {
  return new BindError('the sockets inherited from the old master', problem, { cause });
}

/**
 * Whether a new master's own `bind` setting differs from the addresses it inherited. It keeps
 * the inherited sockets either way (as Gunicorn does); a changed bind needs a restart. Sockets
 * from systemd socket activation never came from `bind`, so there is nothing to compare.
 *
 * @example
 * bindChanged(handoff, ['127.0.0.1:0']); // false when the old master was started with the same
 */
export function bindChanged(handoff: Handoff, bind: readonly string[]): boolean {
  if (handoff.sockets.some((socket) => socket.activation !== undefined)) return false;
  const normal = (text: string) => {
    const check = checkAddress(text);
    return check.ok ? formatAddress(check.address) : text;
  };
  const inherited = handoff.sockets.map((socket) => normal(socket.bind));
  return inherited.join('\n') !== bind.map(normal).join('\n');
}
