/**
 * Serves an `http.Server` (or `https.Server`) the app made itself: an exported server, the one a
 * `server.js` asked to listen (listen-intercept.ts), or a Fastify instance's.
 *
 * The app's listeners stay where the app put them (`request`, `upgrade` for `ws` and Socket.IO,
 * `clientError` for Fastify). corral comes in through the server's `emit`: each `request` goes
 * through corral's chain (screening, forwarded headers, hooks, access log, request counts) and
 * reaches the app's listeners at its end, as Node would have delivered it; each `upgrade` is
 * shown to corral (connection counts, the access log, the graceful stop) before the app's
 * listeners get it. corral's settings are written onto the server before it listens (timeouts,
 * header limits, strict parsing): the app's own values for these are overridden, as documented in
 * docs/apps.md.
 */
import type { IncomingMessage, RequestListener, Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';

export type UpgradeObserver = (req: IncomingMessage, socket: Socket) => void;

export interface AdoptedServer {
  readonly server: Server;
  /** The app's own `request` listeners, called as Node calls them. */
  readonly appListener: RequestListener;
  /** An `https.Server`: the app terminates TLS with its own certificate. */
  readonly ownTls: boolean;
  /** Sends every request to `handler` from now on, and shows every upgrade to `onUpgrade`. */
  route(handler: RequestListener, onUpgrade: UpgradeObserver): void;
  /** Writes corral's timeouts and parser limits onto the server; call before it listens. */
  configure(options: ServerOptions & { keepAliveTimeout?: number }): void;
}

/**
 * Whether a value is a Node HTTP or HTTPS server (not HTTP/2), without touching it.
 *
 * @example
 * isHttpServer(http.createServer()); // true
 */
export function isHttpServer(value: unknown): value is Server {
  if (typeof value !== 'object' || value === null) return false;
  const server = value as Record<string, unknown>;
  return (
    typeof server.listen === 'function' &&
    typeof server.emit === 'function' &&
    'headersTimeout' in server &&
    'keepAliveTimeout' in server
  );
}

/**
 * @example
 * const adopted = adoptServer(server);
 * adopted.route(corralChain(adopted.appListener), onUpgrade);
 */
export function adoptServer(server: Server): AdoptedServer {
  const emit = server.emit as (this: Server, event: string | symbol, ...args: unknown[]) => boolean;
  return {
    server,
    appListener: (req, res) => void emit.call(server, 'request', req, res),
    ownTls: typeof (server as unknown as { addContext?: unknown }).addContext === 'function',
    route(handler, onUpgrade) {
      server.emit = function routedEmit(this: Server, event: string | symbol) {
        // `arguments` keeps every event's own arity without a rest array on the hot path.
        // eslint-disable-next-line prefer-rest-params
        const args = arguments as unknown as unknown[];
        if (event === 'request') {
          handler(args[1] as IncomingMessage, args[2] as Parameters<RequestListener>[1]);
          return true;
        }
        if (event === 'upgrade') onUpgrade(args[1] as IncomingMessage, args[2] as Socket);
        // eslint-disable-next-line prefer-rest-params
        return Reflect.apply(emit, this, arguments) as boolean;
      } as Server['emit'];
    },
    configure: (options) => configureServer(server, options),
  };
}

/** The properties `http.createServer(options)` would have set from the same options. */
function configureServer(server: Server, options: ServerOptions & { keepAliveTimeout?: number }) {
  const target = server as unknown as Record<string | symbol, unknown>;
  for (const key of [
    'headersTimeout',
    'requestTimeout',
    'connectionsCheckingInterval',
    'maxHeaderSize',
    'requireHostHeader',
    'insecureHTTPParser',
    'keepAliveTimeout',
  ] as const) {
    if (options[key] !== undefined) target[key] = options[key];
  }
  // Node keeps the request class under a symbol of its own (storeHTTPOptions); the strict
  // trailer check rides on it. Without the symbol the trailers go unchecked, nothing else.
  const incoming = Object.getOwnPropertySymbols(server).find(
    (symbol) => symbol.description === 'IncomingMessage',
  );
  if (incoming !== undefined && options.IncomingMessage !== undefined) {
    target[incoming] = options.IncomingMessage;
  }
}
