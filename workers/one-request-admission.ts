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
import type { AcceptGate } from './accept-gate.ts';

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
  /** Connections accepted less than `settleMs` ago that have not started a request. */
  readonly fresh: Set<Socket>;
  /** The connection whose request is in flight. */
  busy: Socket | null;
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
    fresh: new Set(),
    busy: null,
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
  state.fresh.add(socket);
  if (state.busy !== null) socket.pause();
  // Node resumes a socket on the tick after accepting it, and its own 'resume' listener starts
  // reading again: pause once more after it while another connection's request is in flight.
  socket.on('resume', () => {
    if (state.busy !== null && state.busy !== socket) socket.pause();
  });
  const settled = setTimeout(() => {
    state.fresh.delete(socket);
    update(state);
  }, state.options.settleMs ?? SETTLE_MS);
  settled.unref();
  socket.once('close', () => {
    clearTimeout(settled);
    state.sockets.delete(socket);
    state.fresh.delete(socket);
    if (state.busy === socket) requestDone(state);
    else update(state);
  });
  update(state);
}

function onRequest(state: AdmissionState, req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket;
  state.fresh.delete(socket);
  state.busy = socket;
  for (const other of state.sockets) if (other !== socket) other.pause();
  update(state);
  res.once('close', () => {
    if (state.busy === socket) requestDone(state);
  });
}

function requestDone(state: AdmissionState): void {
  state.busy = null;
  for (const socket of state.sockets) socket.resume();
  update(state);
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
