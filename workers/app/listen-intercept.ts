/**
 * Gives an app that calls `listen` itself (`app.listen(3000)`, `server.listen(process.env.PORT)`,
 * `fastify.listen({ port })`) the worker's inherited sockets instead of a port of its own, as
 * Node's `cluster` does for its workers.
 *
 * `net.Server.prototype.listen` is replaced before the app is imported. The app's first call
 * claims the inherited sockets: it is recorded, its callback is kept for the `listening` event,
 * and nothing is bound; the worker then listens that server on the inherited fds itself
 * (http-serving.ts, through `listenDirectly`), so the app's callback, `server.address()` and its
 * "listening on" line see the real socket. Later calls:
 *
 * - on another server for the same port as the first (Fastify listening on `localhost` binds
 *   127.0.0.1 and ::1 alike): refused with an EADDRINUSE error on that server, which Fastify
 *   ignores for its extra bindings; corral logs it once;
 * - any other: the app listens on two ports, which one set of inherited sockets cannot serve;
 *   `onConflict` is told (the worker fails its boot with exit 4).
 *
 * Once the worker serves an exported app instead, `release` puts Node's own `listen` back: a
 * side server the app or a hook starts later on a port of its own (a metrics endpoint) binds as
 * it did before corral learned to serve scripts.
 */
import { Server as NetServer } from 'node:net';

/** What the app asked to listen on, for the log: "port 3000", "/tmp/app.sock", "any port". */
export interface ListenRequest {
  server: NetServer;
  asked: string;
  port: number | undefined;
}

export interface ListenInterceptor {
  /** The first server the app asked to listen; never settles if it never asks. */
  readonly firstListen: Promise<ListenRequest>;
  /** The worker serves an exported app: Node's own `listen` from now on. */
  release(): void;
}

export interface InterceptOptions {
  /** An extra binding for the same port was refused (logged once). */
  onAlias(asked: string, first: string): void;
  /** The app asked for a second, different port: it cannot be served. */
  onConflict(reason: string): void;
}

type Listen = NetServer['listen'];

const original: Listen = NetServer.prototype.listen;

/**
 * Listens a server as Node would, bypassing the interceptor: corral's own servers.
 *
 * @example
 * listenDirectly(server, { fd: 3 }, 511, () => resolve());
 */
export function listenDirectly(server: NetServer, ...args: unknown[]): NetServer {
  return (original as (...a: unknown[]) => NetServer).apply(server, args);
}

/**
 * Replaces `net.Server.prototype.listen` for the rest of the process.
 *
 * @example
 * const intercept = interceptListen({ onAlias, onConflict });
 * const { server } = await intercept.firstListen;
 */
export function interceptListen(options: InterceptOptions): ListenInterceptor {
  let first: ListenRequest | undefined;
  let aliasLogged = false;
  let claim: (request: ListenRequest) => void = () => {};
  const firstListen = new Promise<ListenRequest>((resolve) => (claim = resolve));
  NetServer.prototype.listen = function interceptedListen(this: NetServer, ...args: unknown[]) {
    const request = describeListen(this, args);
    if (first === undefined) {
      first = request;
      const callback = args.findLast((arg) => typeof arg === 'function');
      if (callback !== undefined) this.once('listening', callback as () => void);
      claim(request);
      return this;
    }
    if (this !== first.server && request.port !== undefined && samePort(request.port, first)) {
      if (!aliasLogged) options.onAlias(request.asked, first.asked);
      aliasLogged = true;
      return refuse(this, `corral serves ${first.asked} on its own sockets already`);
    }
    options.onConflict(
      `The app asked to listen on ${request.asked} after ${first.asked}: corral serves one server per worker, on the sockets of -b/--bind.`,
    );
    return this;
  } as Listen;
  return {
    firstListen,
    release: () => void (NetServer.prototype.listen = original),
  };
}

/** The port the first server asked for, or the one it got from the inherited socket. */
function samePort(port: number, first: ListenRequest): boolean {
  if (port === first.port) return true;
  const address = first.server.address();
  return typeof address === 'object' && address !== null && address.port === port;
}

function refuse(server: NetServer, why: string): NetServer {
  const error = Object.assign(new Error(`listen EADDRINUSE: ${why}`), {
    code: 'EADDRINUSE',
    syscall: 'listen',
  });
  process.nextTick(() => server.emit('error', error));
  return server;
}

/** listen(port, host, backlog, cb), listen({ port, host, path }), listen(path), listen(handle). */
function describeListen(server: NetServer, args: unknown[]): ListenRequest {
  const [head, second] = args;
  if (typeof head === 'object' && head !== null) {
    const options = head as { port?: unknown; path?: unknown; host?: unknown; fd?: unknown };
    if (typeof options.path === 'string') return asked(server, options.path);
    if (options.port !== undefined) return onPort(server, options.port, options.host);
    return asked(server, 'a handle or fd');
  }
  if (typeof head === 'string' && !/^\d+$/.test(head)) return asked(server, head);
  if (typeof head === 'number' || typeof head === 'string') return onPort(server, head, second);
  return asked(server, 'any port');
}

function onPort(server: NetServer, rawPort: unknown, host: unknown): ListenRequest {
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port === 0) return asked(server, 'any port');
  const where = typeof host === 'string' ? `${host}:${port}` : `port ${port}`;
  return { server, asked: where, port };
}

function asked(server: NetServer, what: string): ListenRequest {
  return { server, asked: what, port: undefined };
}
