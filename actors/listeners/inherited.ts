/**
 * Adopting the listening sockets a new master inherits from the old master on USR2, instead of
 * binding: the same sockets, already listening (the old master's workers called listen on
 * them), so both generations accept from one queue and there is no moment without a socket.
 *
 * The master only passes the fds on to its workers and closes them at the end, so they stay
 * raw fds: no libuv handle is needed, and without one no close can unlink a unix socket file.
 */
import { closeSync, fstatSync, statSync } from 'node:fs';
import { BindError } from '../../errors.ts';
import { checkAddress } from '../../settings/parse-address.ts';
import type { BoundListener } from './bind-listeners.ts';
import { removeSocketFileIfSame } from './unix-socket.ts';
import type { InheritedSocket } from '../upgrade/handoff.ts';

/**
 * Wraps each inherited fd as a {@link BoundListener}. `close` removes a unix socket file (if it
 * is still the one found here); the composition root calls it only once no other master uses
 * the socket, and `release` otherwise.
 *
 * @example
 * const listeners = adoptListeners(takeHandoff(process.env)!.sockets);
 *
 * @throws {BindError} when an fd is not open or is not a socket, or its address is malformed.
 */
export function adoptListeners(sockets: readonly InheritedSocket[]): BoundListener[] {
  return sockets.map(adopt);
}

function adopt({ fd, bind, url, activation }: InheritedSocket): BoundListener {
  const check = checkAddress(bind);
  if (!check.ok) throw new BindError(url, `the inherited address '${bind}': ${check.reason}`);
  assertSocket(fd, url);
  const { address } = check;
  const inode = address.kind === 'unix' ? inodeOf(address.path) : undefined;
  let open = true;
  const closeFd = () => {
    if (!open) return false;
    open = false;
    closeSync(fd);
    return true;
  };
  return {
    address,
    url,
    fd,
    activation,
    close() {
      if (closeFd() && address.kind === 'unix' && inode !== undefined) {
        removeSocketFileIfSame(address.path, inode);
      }
    },
    release() {
      closeFd();
    },
  };
}

function assertSocket(fd: number, url: string): void {
  let socket: boolean;
  try {
    socket = fstatSync(fd).isSocket();
  } catch (error) {
    throw new BindError(url, `the inherited fd ${fd} is not open`, { cause: error });
  }
  if (!socket) throw new BindError(url, `the inherited fd ${fd} is not a socket`);
}

/** The socket file's inode now, so that a file put there later by someone else is left alone. */
function inodeOf(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}
