/**
 * A raw TCP client for the slow-client specs: it sends exactly the bytes it is told to (half a
 * request, one header byte at a time, nothing at all) and records what the server sends back and
 * whether the server closed the connection.
 *
 * @example
 * const idle = await openRawConnection(t, port);
 * await idle.closedByServer; // the headers timeout dropped it
 */
import type { ExecutionContext } from 'ava';
import { readdir, readlink } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';

export interface RawConnection {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Whether the connection is closed, by either side. */
  isClosed(): boolean;
  /** Resolves when the server ends or resets the connection (never if we close it first). */
  closedByServer: Promise<void>;
}

/**
 * Connects to 127.0.0.1:`port` and resolves once connected; teardown destroys the socket.
 *
 * @example
 * const raw = await openRawConnection(t, port);
 * raw.socket.write('GET / HTTP/1.1\r\n');
 */
export function openRawConnection(t: ExecutionContext, port: number): Promise<RawConnection> {
  const socket = connect({ host: '127.0.0.1', port });
  t.teardown(() => void socket.destroy());
  let text = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  // A reset is one way the server closes; it must not fail the spec.
  socket.on('error', () => undefined);
  socket.once('close', () => (closed = true));
  // A FIN or a reset from the server; our own destroy() emits neither.
  const closedByServer = new Promise<void>((resolve) => {
    socket.once('end', resolve);
    socket.once('error', () => resolve());
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () =>
      resolve({ socket, received: () => text, isClosed: () => closed, closedByServer }),
    );
    socket.once('error', reject);
  });
}

/** How many sockets the process has open, from /proc/PID/fd: it grows when a worker accepts. */
export async function socketFdCount(pid: number): Promise<number> {
  const fds = await readdir(`/proc/${pid}/fd`);
  const targets = await Promise.all(
    fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')),
  );
  return targets.filter((target) => target.startsWith('socket:')).length;
}

/**
 * Resolves once the process has more sockets open than `before`: it accepted a connection.
 *
 * @example
 * const before = await socketFdCount(pid);
 * await openRawConnection(t, port);
 * await acceptedBy(pid, before);
 */
export async function acceptedBy(pid: number, before: number, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while ((await socketFdCount(pid)) <= before) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pid} to accept`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
