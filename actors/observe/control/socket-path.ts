/**
 * The control socket's path, made safe to listen on: a directory only the master's user can
 * write, and no other master answering there. A socket left by a dead master (connecting is
 * refused) is removed; anything else at the path is refused, never deleted.
 *
 * @example
 * await checkSocketPath('/run/corral/ctl.sock'); // throws ControlSocketError if unsafe or taken
 */
import { lstat, stat, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { ControlSocketError } from '../../../errors.ts';
import { sendControlRequest } from './ctl-client.ts';

const PROBE_TIMEOUT_MS = 2_000;

/** Throws unless `path`'s directory is owned by this process's user and closed to others. */
export async function checkSocketDirectory(path: string): Promise<void> {
  const directory = dirname(path);
  const info = await stat(directory).catch((error: NodeJS.ErrnoException) => {
    throw new ControlSocketError(
      `cannot use the control socket directory ${directory}: ${error.code ?? error.message}`,
      { cause: error },
    );
  });
  const euid = process.geteuid?.() ?? info.uid;
  const problem = !info.isDirectory()
    ? 'it is not a directory'
    : info.uid !== euid
      ? `it is owned by uid ${info.uid}, not by the master's uid ${euid}`
      : (info.mode & 0o022) !== 0
        ? `it is writable by ${(info.mode & 0o020) !== 0 ? 'its group' : 'others'} (mode ${(info.mode & 0o777).toString(8)})`
        : null;
  if (problem !== null) {
    throw new ControlSocketError(
      `refusing the control socket directory ${directory}: ${problem}; it must be writable by the master's user only`,
    );
  }
}

/**
 * Throws unless `path` is free or holds a dead master's socket (the new socket is renamed over
 * it). A live master, or a file that is not a socket, is refused.
 */
export async function checkSocketPath(path: string): Promise<void> {
  const info = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new ControlSocketError(`cannot use the control socket ${path}: ${error.code}`, {
      cause: error,
    });
  });
  if (info === null) return;
  if (!info.isSocket()) {
    throw new ControlSocketError(`${path} exists and is not a socket; refusing to replace it`);
  }
  const probe = await probeSocket(path);
  // On USR2 the old master is this one's parent: it hands the path over (and, its socket no
  // longer being the file there, leaves the new one in place when it exits).
  if (probe === 'live' && (await answeringPid(path)) !== process.ppid) {
    throw new ControlSocketError(`another master answers at ${path}`);
  }
}

/** Whether a master listens at the socket `path`: a refused connection means none does. */
function probeSocket(path: string): Promise<'live' | 'stale'> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.setTimeout(PROBE_TIMEOUT_MS, () => {
      // Accepted by the kernel but never answered: still someone's, so not ours to remove.
      socket.destroy();
      resolve('live');
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve('live');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      if (error.code === 'ECONNREFUSED') resolve('stale');
      else
        reject(
          new ControlSocketError(`cannot check the control socket ${path}: ${error.code}`, {
            cause: error,
          }),
        );
    });
  });
}

/** The pid of the master answering at `path`, or null if it does not say. */
async function answeringPid(path: string): Promise<number | null> {
  const reply = await sendControlRequest(path, { command: 'status' }, PROBE_TIMEOUT_MS).catch(
    () => null,
  );
  return reply?.ok === true ? (reply.view?.master.pid ?? null) : null;
}

/** The socket file's identity, to remove it at exit only if it is still the one we made. */
export async function socketIdentity(path: string): Promise<{ dev: number; ino: number }> {
  const { dev, ino } = await lstat(path);
  return { dev, ino };
}

/** Removes `path` if it is still the socket `identity` names (a successor may have replaced it). */
export async function unlinkIfOurs(
  path: string,
  identity: { dev: number; ino: number },
): Promise<void> {
  const now = await lstat(path).catch(() => null);
  if (now === null || now.dev !== identity.dev || now.ino !== identity.ino) return;
  await unlink(path).catch(() => undefined);
}
