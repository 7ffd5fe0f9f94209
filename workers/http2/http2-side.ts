/**
 * HTTP/2 for `--http2`: the TLS connections whose client chose `h2` in ALPN are handed here
 * (connection-setup.ts routes them) instead of to the HTTP/1 server, into one `http2` server of
 * the worker's with Node's compatibility API, so the same request listener (corral's chain, then
 * the app) serves both protocols.
 *
 * It keeps its own accounts beside the connection tracker: the sessions (each one connection)
 * count toward `--worker-connections`, the open streams are the requests in flight (and what a
 * stall report names), and a graceful stop closes each session (GOAWAY: the client opens no new
 * stream, those under way finish) while a quick one destroys them.
 */
import type { RequestListener } from 'node:http';
import type { Http2Server, Http2Stream, IncomingHttpHeaders, ServerHttp2Session } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { inFlightRegistry, type InFlightEntry } from '../stall/in-flight-table.ts';

export interface Http2Side {
  /** Serves an encrypted connection whose client chose h2. */
  accept(socket: TLSSocket): void;
  /** Open sessions: connections. */
  openConnections(): number;
  /** Open streams: requests in flight. */
  inFlight(): number;
  /** GOAWAY on every session, now and for any that opens later; resolves when all have closed. */
  drain(): Promise<void>;
  /** Destroys every session; resolves when all have closed. */
  destroy(): Promise<void>;
}

export interface Http2SideOptions {
  /** The largest header block a client may send (SETTINGS_MAX_HEADER_LIST_SIZE). */
  maxHeaderListSize: number;
  /** Told whenever the number of open sessions changes. */
  onCount(): void;
}

/**
 * @example
 * const h2 = await createHttp2Side(handler, { maxHeaderListSize: 65_536, onCount });
 * tlsSocket.alpnProtocol === 'h2' ? h2.accept(tlsSocket) : http1(tlsSocket);
 */
export async function createHttp2Side(
  handler: RequestListener,
  options: Http2SideOptions,
): Promise<Http2Side> {
  // Loaded only by a worker that serves HTTP/2.
  const http2 = await import('node:http2');
  const server = http2.createServer(
    { settings: { maxHeaderListSize: options.maxHeaderListSize } },
    handler as unknown as Parameters<typeof http2.createServer>[1],
  );
  const state = watchSessions(server, options);
  const source = { count: () => state.streams.size, entries: () => [...state.streams.values()] };
  inFlightRegistry().add(source);
  const settled = <T>(done: Promise<T>) => done.finally(() => inFlightRegistry().delete(source));
  return {
    accept: (socket) => void server.emit('connection', socket),
    openConnections: () => state.sessions.size,
    inFlight: source.count,
    drain: () => settled(state.closeAll((session) => session.close())),
    destroy: () => settled(state.closeAll((session) => session.destroy())),
  };
}

interface SessionState {
  sessions: Set<ServerHttp2Session>;
  streams: Map<Http2Stream, InFlightEntry>;
  closeAll(how: (session: ServerHttp2Session) => void): Promise<void>;
}

function watchSessions(server: Http2Server, options: Http2SideOptions): SessionState {
  const sessions = new Set<ServerHttp2Session>();
  const streams = new Map<Http2Stream, InFlightEntry>();
  let stopping: ((session: ServerHttp2Session) => void) | undefined;
  server.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    options.onCount();
    // A bad frame or a reset is the client's problem; the session closes itself.
    session.on('error', () => {});
    session.once('close', () => {
      sessions.delete(session);
      options.onCount();
    });
    if (stopping !== undefined) stopping(session);
  });
  server.on('stream', (stream: Http2Stream, headers: IncomingHttpHeaders) => {
    streams.set(stream, entryOf(headers));
    stream.once('close', () => streams.delete(stream));
  });
  const closeAll = (how: (session: ServerHttp2Session) => void): Promise<void> => {
    stopping = how;
    const closed = [...sessions].map(
      (session) => new Promise<void>((resolve) => session.once('close', () => resolve())),
    );
    for (const session of sessions) how(session);
    return Promise.all(closed).then(() => undefined);
  };
  return { sessions, streams, closeAll };
}

function entryOf(headers: IncomingHttpHeaders): InFlightEntry {
  return {
    method: String(headers[':method'] ?? '?'),
    url: String(headers[':path'] ?? '?'),
    startedAt: Date.now(),
  };
}
