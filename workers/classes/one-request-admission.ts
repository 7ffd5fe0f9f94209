/**
 * How a `sync` worker decides when to accept: one request at a time, but an idle connection
 * does not pin the worker.
 *
 * Gunicorn's sync worker holds one connection from accept to close, so a client that connects
 * and sends nothing (a browser's preconnect, a slowloris) blocks it until the worker is killed
 * for its timeout. Here the accept gate closes on each new connection, as before, so a burst of
 * connections still spreads over the siblings; but a connection that has not started a request
 * within {@link SETTLE_MS} stops holding the gate, and the worker accepts the next one. The
 * connections it then holds never run two requests at once: while a request is in flight, every
 * other connection is paused (nothing more is read from it, so its parser cannot start a
 * request), and the gate stays closed until the response is done.
 *
 * @example
 * const admission = createOneRequestAdmission(gate, { connectionLimit: 1000 });
 * admission.watch(server); // before it listens
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AcceptGate } from '../serving/accept-gate.ts';

/** How long a new connection holds the gate before it counts as idle: a client that is about
 * to send a request has sent it by then. */
export const SETTLE_MS = 1_000;

export interface OneRequestAdmission {
  /** Follow the server's connections and requests; call before it listens. */
  watch(server: Server): void;
}

export interface AdmissionOptions {
  /** Open connections (idle ones included) at which the worker stops accepting. */
  connectionLimit: number;
  settleMs?: number;
}

interface AdmissionState {
  readonly gate: AcceptGate;
  readonly options: AdmissionOptions;
  readonly sockets: Set<Socket>;
  /**
   * Connections that have not started a request, with when they were accepted, while that is
   * less than `settleMs` ago. One timer sweeps them all, instead of a timer per connection.
   */
  readonly fresh: Map<Socket, number>;
  sweep: NodeJS.Timeout | undefined;
  /** The connection whose request is in flight. */
  busy: Socket | null;
  /** Listeners shared by every socket and response: no closure per connection or request. */
  readonly onResume: (this: Socket) => void;
  readonly onSocketClose: (this: Socket) => void;
  readonly onResponseClose: (this: ServerResponse) => void;
}

/**
 * Creates the admission policy of one sync worker; all its servers share it, so the one
 * request at a time spans every listener.
 *
 * @example
 * const admission = createOneRequestAdmission(createAcceptGate(), { connectionLimit: 1000 });
 */
export function createOneRequestAdmission(
  gate: AcceptGate,
  options: AdmissionOptions,
): OneRequestAdmission {
  const state: AdmissionState = {
    gate,
    options,
    sockets: new Set(),
    fresh: new Map(),
    sweep: undefined,
    busy: null,
    // Node resumes a socket on the tick after accepting it, and its own 'resume' listener
    // starts reading again: pause once more after it while another connection's request is in
    // flight.
    onResume(this: Socket) {
      if (state.busy !== null && state.busy !== this) this.pause();
    },
    onSocketClose(this: Socket) {
      state.sockets.delete(this);
      state.fresh.delete(this);
      if (state.busy === this) requestDone(state);
      else update(state);
    },
    onResponseClose(this: ServerResponse) {
      // `res.socket` is gone by now; the request keeps its connection.
      if (state.busy !== null && state.busy === this.req.socket) requestDone(state);
    },
  };
  return {
    watch(server) {
      server.on('connection', (socket: Socket) => onConnection(state, socket));
      // Ahead of the app's own listener, so the other connections are paused before it runs.
      server.prependListener('request', (req: IncomingMessage, res: ServerResponse) =>
        onRequest(state, req, res),
      );
    },
  };
}

function onConnection(state: AdmissionState, socket: Socket): void {
  state.sockets.add(socket);
  state.fresh.set(socket, Date.now());
  if (state.busy !== null) socket.pause();
  socket.on('resume', state.onResume);
  socket.on('close', state.onSocketClose);
  armSweep(state);
  update(state);
}

function onRequest(state: AdmissionState, req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket;
  state.fresh.delete(socket);
  state.busy = socket;
  for (const other of state.sockets) if (other !== socket) other.pause();
  update(state);
  res.on('close', state.onResponseClose);
}

function requestDone(state: AdmissionState): void {
  state.busy = null;
  for (const socket of state.sockets) socket.resume();
  update(state);
}

/** Arms the one timer for the oldest fresh connection, unless it is armed already. */
function armSweep(state: AdmissionState): void {
  if (state.sweep !== undefined) return;
  const oldest = state.fresh.values().next();
  if (oldest.done === true) return;
  const settleMs = state.options.settleMs ?? SETTLE_MS;
  const wait = Math.max(0, oldest.value + settleMs - Date.now());
  state.sweep = setTimeout(() => {
    state.sweep = undefined;
    const settledBefore = Date.now() - settleMs;
    // A Map keeps insertion order: the oldest come first.
    for (const [socket, acceptedAt] of state.fresh) {
      if (acceptedAt > settledBefore) break;
      state.fresh.delete(socket);
    }
    armSweep(state);
    update(state);
  }, wait);
  state.sweep.unref();
}

/** Accept only when no request is in flight and no new connection may be about to send one. */
function update(state: AdmissionState): void {
  const idle =
    state.busy === null &&
    state.fresh.size === 0 &&
    state.sockets.size < state.options.connectionLimit;
  if (idle) state.gate.open();
  else state.gate.close();
}
