/**
 * Binds the master's listening sockets without listening on them. The workers inherit the fds
 * and call listen themselves, so the kernel hands connections straight to them and the master
 * is never in the data path. Either every address is bound, or none is: a failure closes the
 * ones already bound before the {@link BindError} is thrown.
 */
import { lookup } from 'node:dns/promises';
import { existsSync, statSync } from 'node:fs';
import { isIP, isIPv4 } from 'node:net';
import { dirname, resolve } from 'node:path';
import { BindError } from '../../errors.ts';
import { formatAddress, type ParsedAddress } from '../../settings/parse-address.ts';
import {
  bindServerHandle,
  describeErrno,
  errnoError,
  type ServerHandle,
  type SockName,
} from './server-handle.ts';
import { clearStaleUnixSocket, removeSocketFileIfSame } from './unix-socket.ts';
import { adoptFd } from './fd.ts';

export interface BoundListener {
  /** The address as asked for (port 0 stays 0 here; `url` has the real one). */
  address: ParsedAddress;
  /** For logs and people: `http://127.0.0.1:43125`, `http://[::1]:8000`, `unix:/run/app.sock`. */
  url: string;
  /** The bound socket's file descriptor, to put in a worker's stdio. */
  fd: number;
  /**
   * Closes the socket, and removes a unix socket file this listener created; a socket that came
   * from the environment (`fd://N`, systemd) is only closed. Idempotent.
   */
  close(): void;
  /**
   * Gives up this process's copy of the socket but leaves a unix socket file in place, for when
   * another master (one started by USR2, or the one that started this one) still serves on it.
   * After this, `close` does nothing. Idempotent.
   */
  release(): void;
  /**
   * Set for a socket from systemd socket activation (`name` from LISTEN_FDNAMES): the `bind`
   * setting is not used then, and an upgrade (USR2) passes this on to the new master.
   */
  activation?: { name: string | undefined };
}

/**
 * Binds every address, in order.
 *
 * @example
 * const listeners = await bindListeners([parseAddress('127.0.0.1:0')]);
 * log.info('Listening at: %s (%d)', listeners[0].url, process.pid);
 *
 * @throws {BindError} naming the address: in use, not available, permission denied, a host that
 * does not resolve, a path that is not a socket, the same address listed twice, or an `fd://N`
 * that is not an open stream socket.
 */
export async function bindListeners(addresses: readonly ParsedAddress[]): Promise<BoundListener[]> {
  const bound: Bound[] = [];
  try {
    refuseRepeated(addresses);
    for (const address of addresses) {
      const latest = await bindOne(address);
      bound.push(latest);
      refuseOverlap(latest, bound.slice(0, -1));
    }
    return bound.map(({ listener }) => listener);
  } catch (error) {
    for (const { listener } of bound) listener.close();
    throw error;
  }
}

/** A listener, and for TCP the address and port it really got. */
interface Bound {
  listener: BoundListener;
  name?: { host: string; port: number };
}

async function bindOne(address: ParsedAddress): Promise<Bound> {
  if (address.kind === 'tcp') return bindTcp(address);
  if (address.kind === 'unix') return bindUnix(address);
  return adoptFd({ fd: address.fd, label: formatAddress(address) });
}

async function bindTcp(address: ParsedAddress & { kind: 'tcp' }): Promise<Bound> {
  const label = formatAddress(address);
  const ip = await resolveHost(address, label);
  const handle = bindServerHandle({ host: ip, port: address.port, family: address.family });
  if (typeof handle === 'number') {
    throw new BindError(label, describeErrno(handle), { cause: errnoError(handle, 'bind') });
  }
  const out: SockName = {};
  handle.getsockname(out);
  const name = { host: out.address ?? ip, port: out.port ?? address.port };
  const host = address.family === 6 ? `[${name.host}]` : name.host;
  return { listener: listenerFor(address, `http://${host}:${name.port}`, handle), name };
}

async function bindUnix(address: ParsedAddress & { kind: 'unix' }): Promise<Bound> {
  const label = formatAddress(address);
  await clearStaleUnixSocket(address.path, label);
  const handle = bindServerHandle({ path: address.path });
  if (typeof handle === 'number') {
    // libuv reports a missing directory as EACCES (to match Windows); say what it really is.
    const directory = dirname(resolve(address.path));
    const problem = existsSync(directory)
      ? describeErrno(handle)
      : `the directory ${directory} does not exist`;
    throw new BindError(label, problem, { cause: errnoError(handle, 'bind') });
  }
  const inode = statSync(address.path).ino;
  const cleanUp = () => removeSocketFileIfSame(address.path, inode);
  return { listener: listenerFor(address, label, handle, cleanUp) };
}

function listenerFor(
  address: ParsedAddress,
  url: string,
  handle: ServerHandle,
  cleanUp: () => void = () => undefined,
): BoundListener {
  let open = true;
  return {
    address,
    url,
    fd: handle.fd,
    close() {
      if (!open) return;
      open = false;
      handle.close();
      cleanUp();
    },
    release() {
      if (!open) return;
      open = false;
      // libuv unlinks a bound pipe's path when it closes the handle (uv__pipe_close), so a unix
      // socket stays open here and the kernel closes it when this process exits: process.exit
      // runs no libuv cleanup, and the file the other master serves on stays.
      if (address.kind === 'unix') keptUntilExit.add(handle);
      else handle.close();
    },
  };
}

/** Released unix socket handles: referenced so that nothing ever closes them before exit. */
const keptUntilExit = new Set<ServerHandle>();

/** An IP literal as is; a host name through the system resolver, in the address's family. */
async function resolveHost(
  address: ParsedAddress & { kind: 'tcp' },
  label: string,
): Promise<string> {
  if (isIP(address.host) !== 0) return address.host;
  try {
    return (await lookup(address.host, { family: address.family })).address;
  } catch (error) {
    throw new BindError(label, `cannot resolve host '${address.host}'`, { cause: error });
  }
}

/**
 * Binding the same unix path twice would take the first socket for a stale one and delete it,
 * and the same fd twice would give the workers one socket to listen on twice, so a repeated
 * path or fd is refused before anything is bound.
 */
function refuseRepeated(addresses: readonly ParsedAddress[]): void {
  const seen = new Set<string>();
  for (const address of addresses) {
    if (address.kind === 'tcp') continue;
    const key = address.kind === 'unix' ? `unix:${resolve(address.path)}` : `fd:${address.fd}`;
    if (seen.has(key)) throw new BindError(formatAddress(address), 'listed more than once');
    seen.add(key);
  }
}

/**
 * Two bound sockets that are not listening may share a port (libuv sets SO_REUSEADDR), so an
 * address listed twice, or under a wildcard that covers it, would bind here and fail only when
 * a worker listens. Catch it while the master can still say so plainly.
 */
function refuseOverlap(latest: Bound, earlier: readonly Bound[]): void {
  const mine = latest.name;
  if (mine === undefined) return;
  for (const { listener, name: theirs } of earlier) {
    if (theirs === undefined || theirs.port !== mine.port) continue;
    if (
      theirs.host === mine.host ||
      covers(theirs.host, mine.host) ||
      covers(mine.host, theirs.host)
    ) {
      throw new BindError(formatAddress(latest.listener.address), `overlaps with ${listener.url}`);
    }
  }
}

/** `::` takes IPv4 too (Linux binds it dual-stack); `0.0.0.0` takes every IPv4 address. */
function covers(wildcard: string, host: string): boolean {
  return wildcard === '::' || (wildcard === '0.0.0.0' && isIPv4(host));
}
