/**
 * Making way for a unix socket, as Gunicorn does: a socket file nobody answers on is what a
 * crashed server leaves behind, and is removed; a socket someone answers on belongs to a live
 * server; anything else at the path is not ours to delete.
 */
import { statSync, unlinkSync } from 'node:fs';
import { lstat, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { BindError } from '../../errors.ts';

/**
 * Resolves once nothing is at `path` (removing a stale socket if need be); rejects with a
 * {@link BindError} naming `label` when the path is in use or is not a socket.
 *
 * @example
 * await clearStaleUnixSocket('/run/app.sock', 'unix:/run/app.sock');
 */
export async function clearStaleUnixSocket(path: string, label: string): Promise<void> {
  const stats = await lstat(path).catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new BindError(label, `cannot inspect ${path}`, { cause: error });
  });
  if (stats === undefined) return;
  if (!stats.isSocket()) throw new BindError(label, `${path} exists and is not a socket`);
  const answer = await probe(path);
  if (answer === 'answers') throw new BindError(label, 'address already in use');
  if (answer === 'refused') {
    await unlink(path).catch((error: unknown) => {
      if (errorCode(error) !== 'ENOENT') {
        throw new BindError(label, `cannot remove the stale socket ${path}`, { cause: error });
      }
    });
  }
}

/**
 * Removes the socket file at `path` only if it is still the file this process found or created
 * there (same inode): one put there since by someone else stays. Never throws.
 *
 * @example
 * const inode = statSync('/run/app.sock').ino;
 * removeSocketFileIfSame('/run/app.sock', inode);
 */
export function removeSocketFileIfSame(path: string, inode: number): void {
  try {
    if (statSync(path).ino === inode) unlinkSync(path);
  } catch {
    // Already gone (libuv unlinks a bound pipe's path when it closes it): nothing to do.
  }
}

/** Whether a server answers on the socket. Connecting to a unix socket never waits on a network. */
function probe(path: string): Promise<'answers' | 'refused' | 'gone'> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    socket.once('connect', () => {
      socket.destroy();
      resolve('answers');
    });
    socket.once('error', (error) => {
      const code = errorCode(error);
      if (code === 'ECONNREFUSED') resolve('refused');
      else if (code === 'ENOENT') resolve('gone');
      // A full backlog (EAGAIN) still means someone is listening.
      else if (code === 'EAGAIN') resolve('answers');
      else reject(new BindError(`unix:${path}`, `cannot probe ${path}`, { cause: error }));
    });
  });
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { code?: unknown }).code
    : undefined;
}
