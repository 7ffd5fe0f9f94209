/**
 * A typed door to `net._createServerHandle`, Node's internal helper that creates a TCP or pipe
 * handle and binds it without listening. The master needs exactly that: a listening handle in
 * the master would accept connections itself and put the master in the data path, while a bound
 * one is only passed to the workers, which call listen on the inherited fd. `net` exports the
 * helper (cluster uses it) but @types/node does not declare it, so it is declared here, once.
 */
import net from 'node:net';
import { getSystemErrorName } from 'node:util';

/** What `getsockname` fills in. */
export interface SockName {
  address?: string;
  family?: string;
  port?: number;
}

/** The parts of libuv's TCPWrap/PipeWrap the master uses. */
export interface ServerHandle {
  /** The OS file descriptor, to hand to a worker in its stdio. */
  readonly fd: number;
  /** 0, or a negative errno: a deferred bind error surfaces here (see {@link bindServerHandle}). */
  getsockname(out: SockName): number;
  close(callback?: () => void): void;
}

/** A TCP handle also knows its peer: a connected socket has one, a listening socket none. */
export interface TcpServerHandle extends ServerHandle {
  getpeername(out: SockName): number;
}

/** A unix socket handle: libuv's PipeWrap has no getsockname. */
export type PipeServerHandle = Pick<ServerHandle, 'fd' | 'close'>;

type CreateServerHandle = (
  address: string | null,
  port: number | null,
  addressType: 4 | 6 | -1 | null,
  fd?: number,
) => ServerHandle | number;

const createServerHandle = (net as unknown as { _createServerHandle: CreateServerHandle })
  ._createServerHandle;

/**
 * Binds a TCP handle (`family` 4 or 6, `host` an IP address) or, with `{ path }`, a unix socket.
 * Returns the handle, or a negative errno.
 *
 * libuv defers EADDRINUSE from bind() to listen() (it keeps it as the handle's delayed error),
 * so a TCP handle is asked for its name at once: that returns the deferred error, and the
 * handle is closed and the errno returned instead. EADDRNOTAVAIL and EACCES come back directly.
 *
 * @example
 * const handle = bindServerHandle({ host: '127.0.0.1', port: 0, family: 4 });
 * if (typeof handle === 'number') console.log(describeErrno(handle)); // 'address already in use'
 */
export function bindServerHandle(
  target: { host: string; port: number; family: 4 | 6 } | { path: string },
): ServerHandle | number {
  if ('path' in target) return createServerHandle(target.path, -1, -1);
  const handle = createServerHandle(target.host, target.port, target.family);
  if (typeof handle === 'number') return handle;
  const deferred = handle.getsockname({});
  if (deferred === 0) return handle;
  handle.close();
  return deferred;
}

/**
 * Wraps an inherited fd the way a worker's `listen({ fd })` will: libuv looks at the socket's
 * type (`uv_guess_handle`) and gives a TCP handle for an IPv4 or IPv6 stream socket, a pipe
 * handle for a unix stream socket, and UV_EINVAL (a negative errno) for anything else: a
 * datagram or seqpacket socket, a file, a closed fd. Asking here lets the master refuse such an
 * fd at start instead of every worker failing to boot on it.
 *
 * Closing the handle closes the fd. It never unlinks a unix socket file: libuv does that only
 * for a path the handle bound itself.
 *
 * @example
 * const opened = openServerHandle(3);
 * if (typeof opened !== 'number' && opened.kind === 'tcp') opened.handle.getsockname(out);
 */
export function openServerHandle(
  fd: number,
): { kind: 'tcp'; handle: TcpServerHandle } | { kind: 'unix'; handle: PipeServerHandle } | number {
  const handle = createServerHandle(null, null, null, fd);
  if (typeof handle === 'number') return handle;
  // Node makes a TCPWrap or a PipeWrap; only the former can tell its address.
  return typeof (handle as Partial<TcpServerHandle>).getpeername === 'function'
    ? { kind: 'tcp', handle: handle as TcpServerHandle }
    : { kind: 'unix', handle };
}

/**
 * A bind failure in plain words.
 *
 * @example
 * describeErrno(-98); // 'address already in use'
 */
export function describeErrno(errno: number): string {
  const name = errnoName(errno);
  return plainWords[name] ?? `failed with ${name}`;
}

/** An Error carrying the errno's name as its code, for `{ cause }`. */
export function errnoError(errno: number, syscall: string): Error {
  const name = errnoName(errno);
  return Object.assign(new Error(`${syscall} ${name}`), { code: name, errno, syscall });
}

function errnoName(errno: number): string {
  try {
    return getSystemErrorName(errno);
  } catch {
    return `errno ${errno}`;
  }
}

const plainWords: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'no such directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENAMETOOLONG: 'the path is too long',
  EAFNOSUPPORT: 'address family not supported (is IPv6 enabled?)',
};
