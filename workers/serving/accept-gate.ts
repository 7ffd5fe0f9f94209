/**
 * Stops and resumes accept(2) on a worker's listening sockets, so a worker that is at its
 * connection limit leaves new connections in the kernel queue for an idle sibling.
 *
 * Node has no public API for this. `server.maxConnections` is no substitute: it accepts the
 * connection and then drops it, so the client sees a reset instead of being served by another
 * worker. What works is the listening handle's libuv stream methods:
 *
 * - `readStart()` once, after listening: it returns 0 and sets libuv's READING flag on the
 *   listening stream. Without it, `readStop()` is a no-op.
 * - `readStop()` then stops the socket's POLLIN watcher: this process no longer accepts, and the
 *   kernel hands queued connections to siblings listening on the same socket.
 * - `readStart()` resumes it.
 *
 * Calling `readStop()` inside a 'connection' listener also ends libuv's accept loop for that
 * wakeup: a backlog burst is not swallowed by the closing worker (probed on Node 20).
 *
 * These are Node internals. spec/workers/sync-worker.spec.ts and async-worker.spec.ts fail if
 * the gate stops working (they were checked once with it disabled); `arm` throws if the handle
 * no longer has the methods.
 *
 * @example
 * const gate = createAcceptGate();
 * server.listen({ fd: 3 }, () => gate.arm(server));
 * server.on('connection', () => gate.close());
 */
import type { Server } from 'node:net';

/** The libuv stream methods of a listening TCP or pipe handle. */
interface ListeningHandle {
  readStart(): number;
  readStop(): number;
}

export interface AcceptGate {
  /**
   * Take the server under the gate; call once `listen` has made its handle (for an fd, as soon
   * as `listen` returns). Applies the current state.
   */
  arm(server: Server): void;
  /** Accept again on every armed server. Idempotent. */
  open(): void;
  /** Stop accepting on every armed server. Idempotent. */
  close(): void;
  readonly isOpen: boolean;
}

/**
 * Creates one gate over any number of servers: a worker's connection limit spans all of its
 * listeners, so they open and close together.
 *
 * @example
 * const gate = createAcceptGate();
 * gate.arm(server);
 * gate.close(); // siblings take the next connections
 * gate.open();
 */
export function createAcceptGate(): AcceptGate {
  const servers: Server[] = [];
  let isOpen = true;
  const apply = (server: Server): void => {
    // A closed server has no handle any more; there is nothing to gate.
    const handle = listeningHandle(server);
    if (handle === null) return;
    if (isOpen) handle.readStart();
    else handle.readStop();
  };
  return {
    arm(server) {
      const handle = listeningHandle(server);
      if (handle === null) return;
      if (typeof handle.readStart !== 'function' || typeof handle.readStop !== 'function') {
        throw new Error('accept gate: the listening handle has no readStart/readStop any more');
      }
      const status = handle.readStart();
      if (status !== 0)
        throw new Error(`accept gate: readStart() on the listener returned ${status}`);
      servers.push(server);
      apply(server);
    },
    open() {
      if (isOpen) return;
      isOpen = true;
      servers.forEach(apply);
    },
    close() {
      if (!isOpen) return;
      isOpen = false;
      servers.forEach(apply);
    },
    get isOpen() {
      return isOpen;
    },
  };
}

function listeningHandle(server: Server): ListeningHandle | null {
  return (server as unknown as { _handle: ListeningHandle | null })._handle ?? null;
}
