/**
 * Adopting a socket the master was given rather than one it binds: `-b fd://N`, or an fd from
 * systemd socket activation. Such a socket belongs to whoever passed it (a parent process,
 * systemd), so closing it only closes this process's copy: a unix socket file is never removed.
 *
 * The socket may be bound and not yet listening (the workers listen on it, as on the sockets
 * the master binds) or already listening (systemd listens before it starts the service).
 */
import { fstatSync, type Stats } from 'node:fs';
import { BindError } from '../../errors.ts';
import type { BoundListener } from './bind-listeners.ts';
import { isUdpSocket, unixSocketRow, type UnixSocketRow } from './proc-net.ts';
import {
  errnoError,
  openServerHandle,
  type PipeServerHandle,
  type SockName,
  type TcpServerHandle,
} from './server-handle.ts';

export interface AdoptedFd {
  listener: BoundListener;
  /** For TCP, the address the socket is bound to, to catch an overlap with another address. */
  name?: { host: string; port: number };
}

export interface FdSource {
  /** The descriptor in this process. */
  fd: number;
  /** How errors name it: `fd://3`, `the systemd socket fd 3 (web)`. */
  label: string;
  /** Set for a socket from systemd socket activation; carried through upgrades. */
  activation?: BoundListener['activation'];
}

/**
 * Wraps fd N as a listener, after checking that a worker will be able to listen on it.
 *
 * @example
 * const { listener } = adoptFd({ fd: 3, label: 'fd://3' });
 * log.info(`Listening at: ${listener.url}`); // http://127.0.0.1:8000
 *
 * @throws {BindError} naming `label` when the fd is not open, is not a socket, is not a TCP or
 * unix stream socket (a datagram socket, say), is not bound, or is a connected socket.
 */
export function adoptFd(source: FdSource): AdoptedFd {
  const { fd, label } = source;
  const stats = statFd(fd, label);
  // Judged before a handle is made: closing a refused handle would close the fd with it.
  const row = unixSocketRow(stats.ino);
  if (row !== undefined) refuseUnixRow(row, fd, label);
  const opened = openServerHandle(fd);
  if (typeof opened === 'number') {
    const problem = opened === UV_EEXIST ? ownFd(fd) : notStreamSocket(fd, stats);
    throw new BindError(label, problem, { cause: errnoError(opened, 'open') });
  }
  if (opened.kind === 'unix')
    return { listener: listenerFor(opened.handle, unixUrl(row, fd), source) };
  try {
    return adoptTcp(opened.handle, source);
  } catch (error) {
    opened.handle.close();
    throw error;
  }
}

/** libuv's answer for an fd its loop already watches: one of this process's own. */
const UV_EEXIST = -17;

function statFd(fd: number, label: string): Stats {
  let stats: Stats;
  try {
    stats = fstatSync(fd);
  } catch (error) {
    throw new BindError(label, `file descriptor ${fd} is not open`, { cause: error });
  }
  if (!stats.isSocket()) {
    throw new BindError(label, `file descriptor ${fd} ${notSocket(stats)}; ${passedHint(fd)}`);
  }
  return stats;
}

function adoptTcp(handle: TcpServerHandle, source: FdSource): AdoptedFd {
  const { fd, label } = source;
  const out: SockName = {};
  if (handle.getsockname(out) !== 0 || !out.port || out.address === undefined) {
    throw new BindError(label, `the socket at file descriptor ${fd} is not bound to an address`);
  }
  if (handle.getpeername({}) === 0) throw new BindError(label, connected(fd));
  const host = out.family === 'IPv6' ? `[${out.address}]` : out.address;
  const url = `http://${host}:${out.port}`;
  return {
    listener: listenerFor(handle, url, source),
    name: { host: out.address, port: out.port },
  };
}

function refuseUnixRow(row: UnixSocketRow, fd: number, label: string): void {
  if (row.type !== 'stream') {
    throw new BindError(
      label,
      `the socket at file descriptor ${fd} is a unix ${row.type} socket; ${streamOnly}`,
    );
  }
  if (row.connected) throw new BindError(label, connected(fd));
  if (row.path === undefined) {
    throw new BindError(label, `the unix socket at file descriptor ${fd} is not bound to a path`);
  }
}

/** Without /proc the path is unknown; the fd still serves. */
function unixUrl(row: UnixSocketRow | undefined, fd: number): string {
  return row?.path === undefined ? `unix:(fd ${fd})` : `unix:${row.path}`;
}

function listenerFor(handle: PipeServerHandle, url: string, source: FdSource): BoundListener {
  let open = true;
  // Closing the handle closes this process's copy of the fd; it never unlinks a socket file.
  const close = () => {
    if (!open) return;
    open = false;
    handle.close();
  };
  return {
    address: { kind: 'fd', fd: source.fd },
    url,
    fd: handle.fd,
    activation: source.activation,
    close,
    release: close,
  };
}

function connected(fd: number): string {
  return `the socket at file descriptor ${fd} is a connected socket (one client's connection), not one to listen on`;
}

const streamOnly = 'HTTP needs a stream socket (TCP or unix)';

function passedHint(fd: number): string {
  return `was a socket passed to corral as fd ${fd}?`;
}

function ownFd(fd: number): string {
  return `file descriptor ${fd} is one corral's own process uses; ${passedHint(fd)}`;
}

/** Why libuv would not take the socket, as precisely as /proc can tell. */
function notStreamSocket(fd: number, stats: Stats): string {
  const kind = isUdpSocket(stats.ino)
    ? 'a UDP (datagram) socket'
    : 'not a TCP or unix stream socket';
  return `the socket at file descriptor ${fd} is ${kind}; ${streamOnly}`;
}

function notSocket(stats: Stats): string {
  const kind = stats.isFile()
    ? 'a regular file'
    : stats.isDirectory()
      ? 'a directory'
      : stats.isFIFO()
        ? 'a pipe'
        : stats.isCharacterDevice()
          ? 'a character device'
          : undefined;
  return kind === undefined ? 'is not a socket' : `is ${kind}, not a socket`;
}
