/**
 * The control socket (`--control-socket PATH`): a unix socket, mode 0600, on which `corral ctl`
 * sends one JSON request per connection and reads one JSON answer, both newline-terminated.
 * The commands themselves are in commands.ts, shared with the status page's buttons.
 *
 * @example
 * const part = await startControlSocket({ observation, settings, log });
 * // ... later, when the arbiter halts:
 * await part.stop(); // closes, drops clients, removes the socket file if it is still ours
 */
import { createServer, type Server, type Socket } from 'node:net';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ControlSocketError } from '../../../errors.ts';
import type { ObservePartContext, RunningPart } from '../observe-part.ts';
import { serveControlConnection } from './control-connection.ts';
import {
  checkSocketDirectory,
  checkSocketPath,
  socketIdentity,
  unlinkIfOurs,
} from './socket-path.ts';

export async function startControlSocket(context: ObservePartContext): Promise<RunningPart> {
  const path = resolve(context.settings.controlSocket ?? '');
  await checkSocketDirectory(path);
  await checkSocketPath(path);
  const stopping = new AbortController();
  const connections = new Set<Socket>();
  // Half-open: a client may end its side after the request and still read the answer.
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
    serveControlConnection(socket, context, stopping.signal);
  });
  await listenAt(server, path);
  const identity = await socketIdentity(path);
  return {
    address: `unix:${path}`,
    async stop() {
      stopping.abort();
      await unlinkIfOurs(path, identity);
      server.close();
      for (const socket of connections) socket.destroy();
    },
  };
}

/**
 * Binds at a name of its own in the same directory, then renames the socket into place: the
 * rename replaces a dead master's socket (or, on USR2, the old master's) in one step. It also
 * keeps libuv, which unlinks the name it bound when the server closes, from removing whatever
 * is at `path` by then: a successor's socket.
 */
async function listenAt(server: Server, path: string): Promise<void> {
  const bound = join(dirname(path), `.${basename(path)}.${process.pid}`);
  await unlink(bound).catch(() => undefined);
  await listenPrivately(server, bound);
  await rename(bound, path).catch((error: NodeJS.ErrnoException) => {
    server.close();
    throw new ControlSocketError(`cannot create the control socket ${path}: ${error.code}`, {
      cause: error,
    });
  });
}

/** Binds with umask 0177, so the socket is never more open than 0600, not even for a moment. */
function listenPrivately(server: Server, path: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new ControlSocketError(`cannot listen on the control socket ${path}: ${error.code}`, {
          cause: error,
        }),
      ),
    );
    // A unix socket's bind happens inside listen(), synchronously: the umask covers only it.
    const previous = process.umask(0o177);
    try {
      server.listen(path, () => resolvePromise());
    } finally {
      process.umask(previous);
    }
  });
}
