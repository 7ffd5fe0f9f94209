/**
 * Keeps count of a worker's open connections and in-flight responses, and knows how to close
 * them: gracefully (each busy connection closes after its current response) or at once.
 *
 * It tracks sockets itself instead of relying on `server.closeIdleConnections()`, because a
 * connection that is busy when the stop begins becomes idle later and must be closed then.
 *
 * An upgraded connection (a WebSocket: the app's server took it over with its `upgrade`
 * listener) counts as open and in flight until it closes. A graceful stop leaves it to the app
 * (which hears the stop as SIGTERM) for `upgradeGraceMs`, then destroys it; a quick stop
 * destroys it at once.
 *
 * @example
 * const tracker = createConnectionTracker({ closeAfterEachResponse: false, onCount: (n) => {} });
 * const server = http.createServer(tracker.wrap(app));
 * tracker.watch(server);
 * await tracker.drain([server]);
 */
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import {
  inFlightRegistry,
  type InFlightEntry,
  type InFlightSource,
} from '../stall/in-flight-table.ts';

export interface TrackerOptions {
  /** Every response carries `Connection: close` (sync class, or keep-alive disabled). */
  closeAfterEachResponse: boolean;
  /** Called with the number of open connections each time it changes. */
  onCount?: (open: number) => void;
  /** How long an idle keep-alive connection may still bring a request once a drain began. */
  idleGraceMs?: number;
  /**
   * Called as each response closes, with when it started (`performance.now()`). Absent, no
   * clock is read and no listener is added for it.
   */
  onResponseClosed?: ResponseClosed;
  /**
   * How long a graceful stop leaves upgraded connections to the app before destroying them;
   * undefined: until they close.
   */
  upgradeGraceMs?: number;
}

export type ResponseClosed = (res: ServerResponse, startedHr: number) => void;

/** Long enough for a client that is already sending its next request; short for an idle one. */
export const DEFAULT_IDLE_GRACE_MS = 1_000;

export interface ConnectionTracker {
  /** Wraps the app so its responses are counted and carry the right `Connection` header. */
  wrap(listener: RequestListener): RequestListener;
  /** The app's server took this connection over (an `upgrade`). */
  upgraded(req: IncomingMessage, socket: Socket): void;
  /** Counts the server's connections; call before it listens. */
  watch(server: Server): void;
  inFlight(): number;
  openConnections(): number;
  /** Closes the servers and lets each connection finish its current response. */
  drain(servers: readonly NetServer[]): Promise<void>;
  /** Closes the servers and destroys every connection. */
  destroy(servers: readonly NetServer[]): Promise<void>;
}

/** What the tracker writes on a response, as own properties: no table, no entry object. */
const STARTED_AT = Symbol('corral.startedAt');
const STARTED_HR = Symbol('corral.startedHr');

type Tracked = ServerResponse & { [STARTED_AT]?: number; [STARTED_HR]?: number };

/**
 * The response Node is writing on a connection right now: `_httpMessage`, set by
 * `assignSocket` when a response takes the socket and cleared by `detachSocket` when it
 * finishes (Node internals, as old as the http module). Reading it is how the tracker knows a
 * connection is busy without keeping a record per request; spec/workers/worker-graceful-stop
 * and the stall report specs fail if it stops meaning that.
 */
function currentResponse(socket: Socket): Tracked | null {
  return (socket as { _httpMessage?: Tracked | null })._httpMessage ?? null;
}

interface TrackerState {
  readonly options: TrackerOptions;
  readonly sockets: Set<Socket>;
  /** Each server's close, started once: a quick stop may follow a graceful one. */
  readonly closing: Map<NetServer, Promise<void>>;
  draining: boolean;
  /** Upgraded connections, with what their request was, for the stall report. */
  readonly upgraded: Map<Socket, InFlightEntry>;
  /** Listeners shared by every socket and response: no closure per connection or request. */
  readonly onSocketClose: (this: Socket) => void;
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
    closing: new Map(),
    draining: false,
    upgraded: new Map(),
    onSocketClose(this: Socket) {
      state.sockets.delete(this);
      state.upgraded.delete(this);
      state.options.onCount?.(state.sockets.size);
    },
    onResponseClose(this: ServerResponse) {
      const startedHr = (this as Tracked)[STARTED_HR];
      if (startedHr !== undefined) state.options.onResponseClosed?.(this, startedHr);
    },
  };
  const source: InFlightSource = {
    count: () => countBusy(state),
    entries: () => busyEntries(state),
  };
  inFlightRegistry().add(source);
  const retire = <T>(done: Promise<T>): Promise<T> =>
    done.finally(() => inFlightRegistry().delete(source));
  return {
    wrap: (listener) => (req, res) => {
      onRequest(state, res);
      listener(req, res);
    },
    upgraded: (req, socket) => {
      const entry = { method: req.method ?? '?', url: req.url ?? '?', startedAt: Date.now() };
      state.upgraded.set(socket, entry);
    },
    watch: (server) =>
      void server.on('connection', (socket: Socket) => onConnection(state, socket)),
    inFlight: source.count,
    openConnections: () => state.sockets.size,
    drain: (servers) => retire(drain(state, servers)),
    destroy: (servers) => retire(destroyAll(state, servers)),
  };
}

function onConnection(state: TrackerState, socket: Socket): void {
  state.sockets.add(socket);
  state.options.onCount?.(state.sockets.size);
  socket.on('close', state.onSocketClose);
  // Accepted in the same turn as the stop: serve its request (with Connection: close) rather
  // than reset a client that did nothing wrong.
  if (state.draining) closeWhenIdle(state, socket);
}

function onRequest(state: TrackerState, res: Tracked): void {
  res[STARTED_AT] = Date.now();
  // Node then writes `Connection: close` itself and ends the connection after this response,
  // as a `setHeader('Connection', 'close')` would, without validating a header per request.
  if (state.draining || state.options.closeAfterEachResponse) res.shouldKeepAlive = false;
  if (state.options.onResponseClosed === undefined) return;
  res[STARTED_HR] = performance.now();
  res.on('close', state.onResponseClose);
}

/** Each connection's response under way, where there is one. */
function* busyResponses(state: TrackerState): Generator<Tracked> {
  for (const socket of state.sockets) {
    const res = currentResponse(socket);
    if (res !== null) yield res;
  }
}

function countBusy(state: TrackerState): number {
  let busy = state.upgraded.size;
  for (const _ of busyResponses(state)) busy += 1;
  return busy;
}

function busyEntries(state: TrackerState): InFlightEntry[] {
  const responses = Array.from(busyResponses(state), (res) => {
    const req = (res as { req?: IncomingMessage }).req;
    return {
      method: req?.method ?? '?',
      url: req?.url ?? '?',
      startedAt: res[STARTED_AT] ?? Date.now(),
    };
  });
  return responses.concat(Array.from(state.upgraded.values()));
}

function drain(state: TrackerState, servers: readonly NetServer[]): Promise<void> {
  state.draining = true;
  const closed = closeServers(state, servers);
  for (const socket of state.sockets) {
    if (!state.upgraded.has(socket)) closeAfterResponse(state, socket);
  }
  if (state.upgraded.size > 0) endUpgradesAfterGrace(state);
  return closed;
}

function endUpgradesAfterGrace(state: TrackerState): void {
  const graceMs = state.options.upgradeGraceMs;
  if (graceMs === undefined) return;
  const timer = setTimeout(() => {
    for (const socket of state.upgraded.keys()) socket.destroy();
  }, graceMs);
  // The sockets themselves keep the worker alive; the timer only ends them.
  timer.unref();
}

/**
 * During a drain: an idle connection closes after a grace; a busy one after its response.
 * Node closes it itself when the response has not started (it is told not to keep it alive);
 * one already under way with keep-alive is closed here once it is done.
 */
function closeAfterResponse(state: TrackerState, socket: Socket): void {
  const res = currentResponse(socket);
  if (res === null) return void closeWhenIdle(state, socket);
  // Tell the client too, when the headers have not gone out yet.
  if (!res.headersSent) res.shouldKeepAlive = false;
  else if (res.shouldKeepAlive) res.once('close', () => afterDrainedResponse(state, socket));
}

/** The response is done (Node has let go of the socket by now): close, or wait for the next. */
function afterDrainedResponse(state: TrackerState, socket: Socket): void {
  const next = currentResponse(socket);
  if (next === null) socket.destroySoon();
  else closeAfterResponse(state, socket);
}

function destroyAll(state: TrackerState, servers: readonly NetServer[]): Promise<void> {
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
    if (currentResponse(socket) === null && !state.upgraded.has(socket)) socket.destroy();
  }, state.options.idleGraceMs ?? DEFAULT_IDLE_GRACE_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * Resolves when every server has stopped listening and all of its connections are gone. It uses
 * net.Server's close: http.Server's own close also destroys every idle keep-alive connection at
 * once (Node 19+), which resets requests already on their way.
 */
function closeServers(state: TrackerState, servers: readonly NetServer[]): Promise<void> {
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
