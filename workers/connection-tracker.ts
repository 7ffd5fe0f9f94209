/**
 * Keeps count of a worker's open connections and in-flight responses, and knows how to close
 * them: gracefully (each busy connection closes after its current response) or at once.
 *
 * It tracks sockets itself instead of relying on `server.closeIdleConnections()`, because a
 * connection that is busy when the stop begins becomes idle later and must be closed then.
 *
 * @example
 * const tracker = createConnectionTracker({ closeAfterEachResponse: false, onCount: (n) => {} });
 * const server = http.createServer(tracker.wrap(app));
 * tracker.watch(server);
 * await tracker.drain([server]);
 */
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { inFlightTable, type InFlightEntry, type InFlightTable } from './stall/in-flight-table.ts';

export interface TrackerOptions {
  /** Every response carries `Connection: close` (sync class, or keep-alive disabled). */
  closeAfterEachResponse: boolean;
  /** Called with the number of open connections each time it changes. */
  onCount?: (open: number) => void;
  /** How long an idle keep-alive connection may still bring a request once a drain began. */
  idleGraceMs?: number;
  /**
   * Called as each response closes, with when it started (`performance.now()`): the request
   * counts ride on the tracker's own per-response record and close listener, so counting adds
   * no listener, closure or table per request. Absent, no clock is read for it.
   */
  onResponseClosed?: ResponseClosed;
}

export type ResponseClosed = (res: ServerResponse, startedHr: number) => void;

/** Long enough for a client that is already sending its next request; short for an idle one. */
export const DEFAULT_IDLE_GRACE_MS = 1_000;

export interface ConnectionTracker {
  /** Wraps the app so its responses are counted and carry the right `Connection` header. */
  wrap(listener: RequestListener): RequestListener;
  /** Counts the server's connections; call before it listens. */
  watch(server: Server): void;
  inFlight(): number;
  openConnections(): number;
  /** Closes the servers and lets each connection finish its current response. */
  drain(servers: readonly Server[]): Promise<void>;
  /** Closes the servers and destroys every connection. */
  destroy(servers: readonly Server[]): Promise<void>;
}

interface TrackerState {
  readonly options: TrackerOptions;
  readonly sockets: Set<Socket>;
  /** Each unfinished response, its connection, and what the stall watchdog reports of it. */
  readonly responses: InFlightTable;
  /** Each server's close, started once: a quick stop may follow a graceful one. */
  readonly closing: Map<Server, Promise<void>>;
  draining: boolean;
  /** One listener shared by every response: no closure per request on the hot path. */
  readonly onResponseClose: (this: ServerResponse) => void;
}

/**
 * Creates a tracker for one worker; all of its servers share it, since the connection limit
 * and the stop span every listener.
 *
 * @example
 * const tracker = createConnectionTracker({ closeAfterEachResponse: true });
 */
export function createConnectionTracker(options: TrackerOptions): ConnectionTracker {
  const state: TrackerState = {
    options,
    sockets: new Set(),
    responses: inFlightTable(),
    closing: new Map(),
    draining: false,
    onResponseClose(this: ServerResponse) {
      responseClosed(state, this);
    },
  };
  return {
    wrap: (listener) => (req, res) => {
      onRequest(state, req, res);
      listener(req, res);
    },
    watch: (server) =>
      void server.on('connection', (socket: Socket) => onConnection(state, socket)),
    inFlight: () => state.responses.size,
    openConnections: () => state.sockets.size,
    drain: (servers) => drain(state, servers),
    destroy: (servers) => destroyAll(state, servers),
  };
}

function onConnection(state: TrackerState, socket: Socket): void {
  state.sockets.add(socket);
  state.options.onCount?.(state.sockets.size);
  socket.once('close', () => {
    state.sockets.delete(socket);
    state.options.onCount?.(state.sockets.size);
  });
  // Accepted in the same turn as the stop: serve its request (with Connection: close) rather
  // than reset a client that did nothing wrong.
  if (state.draining) closeWhenIdle(state, socket);
}

function onRequest(state: TrackerState, req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket;
  const entry: InFlightEntry = {
    method: req.method ?? '?',
    url: req.url ?? '?',
    startedAt: Date.now(),
    socket,
  };
  if (state.options.onResponseClosed !== undefined) entry.startedHr = performance.now();
  state.responses.set(res, entry);
  if (state.draining || state.options.closeAfterEachResponse) res.setHeader('Connection', 'close');
  res.on('close', state.onResponseClose);
}

function responseClosed(state: TrackerState, res: ServerResponse): void {
  const entry = state.responses.get(res);
  const socket = entry?.socket;
  state.responses.delete(res);
  if (entry?.startedHr !== undefined) state.options.onResponseClosed?.(res, entry.startedHr);
  // A keep-alive response that was already under way when the stop began: close it now.
  if (state.draining && socket !== undefined && !isBusy(state, socket)) socket.destroySoon();
}

function drain(state: TrackerState, servers: readonly Server[]): Promise<void> {
  state.draining = true;
  const closed = closeServers(state, servers);
  for (const socket of state.sockets) if (!isBusy(state, socket)) closeWhenIdle(state, socket);
  // Busy connections close after their current response; tell the client so when we still can.
  for (const res of state.responses.keys()) {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  }
  return closed;
}

function destroyAll(state: TrackerState, servers: readonly Server[]): Promise<void> {
  state.draining = true;
  const closed = closeServers(state, servers);
  for (const socket of state.sockets) socket.destroy();
  return closed;
}

/**
 * Closes an idle keep-alive connection after a short grace, not at once: under load its client
 * is likely sending the next request right now, and closing would reset it (the race that makes
 * reloads drop requests). A request that arrives in time is answered with `Connection: close`.
 */
function closeWhenIdle(state: TrackerState, socket: Socket): void {
  const timer = setTimeout(() => {
    if (!isBusy(state, socket)) socket.destroy();
  }, state.options.idleGraceMs ?? DEFAULT_IDLE_GRACE_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

function isBusy(state: TrackerState, socket: Socket): boolean {
  for (const entry of state.responses.values()) if (entry.socket === socket) return true;
  return false;
}

/**
 * Resolves when every server has stopped listening and all of its connections are gone. It uses
 * net.Server's close: http.Server's own close also destroys every idle keep-alive connection at
 * once (Node 19+), which resets requests already on their way.
 */
function closeServers(state: TrackerState, servers: readonly Server[]): Promise<void> {
  for (const server of servers) {
    if (!state.closing.has(server)) {
      const closed = new Promise<void>((resolve) =>
        NetServer.prototype.close.call(server, () => resolve()),
      );
      state.closing.set(server, closed);
    }
  }
  return Promise.all(servers.map((server) => state.closing.get(server))).then(() => undefined);
}
