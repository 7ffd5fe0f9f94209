/**
 * What happens to a connection between accept and the HTTP parser: the PROXY protocol header is
 * read (`--proxy-protocol`), then the TLS handshake is done (`--certfile`/`--keyfile`). Only then
 * is the socket given to the server's own 'connection' listeners (Node's HTTP parser and the
 * connection tracker), so they see the client's address and the decrypted stream. Without
 * either setting nothing is installed and connections go straight to the server as before.
 *
 * @example
 * const setup = await createConnectionSetup(context);
 * setup?.(server); // after every 'connection' listener is attached, before listening
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import { parseTrustList } from '../../protocol/trust-list.ts';
import { setClientAddress } from '../proxy/peer-address.ts';
import { readProxyHeader } from '../proxy/proxy-protocol-reader.ts';
import type { ProxySource } from '../proxy/proxy-protocol.ts';
import { createTlsEngine, readTlsOptions, tlsEngineFactory } from './tls-engine.ts';
import type { ServeContext } from '../classes/worker-class.ts';

/** A socket on its way to the HTTP server, and the client a PROXY header named for it. */
type Deliver = (socket: Socket, client: ProxySource | undefined, raw: Socket) => void;

/** Bounds a PROXY header or TLS handshake when `--headers-timeout` is 0 (off). */
const FALLBACK_TIMEOUT_MS = 10_000;

/**
 * The function that takes over a server's 'connection' event, or undefined when neither the
 * PROXY protocol nor TLS is on. The trust list and the TLS files are read once, here. With
 * `tls: false` corral's TLS is left out (the app's own https server does its own), and the
 * worker says so once when --certfile was given. With `http2`, a connection whose client chose
 * `h2` in ALPN goes there instead of to the HTTP/1 server.
 *
 * @example
 * const setup = createConnectionSetup({ config, listener, log }, { tls: true });
 */
export async function createConnectionSetup(
  context: ServeContext,
  { tls, http2 }: { tls: boolean; http2?: (socket: TLSSocket) => void },
): Promise<((server: Server) => void) | undefined> {
  const http = tls ? context.config.http : withoutTls(context);
  if (!http.proxyProtocol && http.tls === undefined) return undefined;
  const timeoutMs = http.headersTimeoutMs > 0 ? http.headersTimeoutMs : FALLBACK_TIMEOUT_MS;
  const allowed = http.proxyProtocol ? trustListOf(http.proxyAllowFrom) : undefined;
  const tlsOptions = http.tls === undefined ? undefined : readTlsOptions(http.tls, timeoutMs);
  const engines = tlsOptions === undefined ? undefined : await tlsEngineFactory();
  return (server) => {
    const listeners = server.listeners('connection') as Array<(socket: Socket) => void>;
    server.removeAllListeners('connection');
    const deliver: Deliver = (socket, client, raw) => {
      if (client !== undefined) setClientAddress(socket, client, raw);
      if (http2 !== undefined && (socket as TLSSocket).alpnProtocol === 'h2') {
        return http2(socket as TLSSocket);
      }
      for (const listener of listeners) listener.call(server, socket);
    };
    const secure =
      tlsOptions === undefined || engines === undefined
        ? deliver
        : secureThen(createTlsEngine(tlsOptions, engines), deliver);
    server.on('connection', (raw: Socket) => {
      if (allowed === undefined) return secure(raw, undefined, raw);
      void readHeader(raw, allowed, timeoutMs, context).then((header) => {
        if (header !== 'refused') secure(raw, header, raw);
      });
    });
  };
}

function withoutTls(context: ServeContext): ServeContext['config']['http'] {
  const { http } = context.config;
  if (http.tls !== undefined) {
    context.log.warn(
      "The app's own https server keeps its own certificate: --certfile and --keyfile are not used.",
    );
  }
  return { ...http, tls: undefined };
}

async function readHeader(
  raw: Socket,
  allowed: (address: string) => boolean,
  timeoutMs: number,
  context: ServeContext,
): Promise<ProxySource | undefined | 'refused'> {
  // Unix-socket peers are local processes, trusted as in Gunicorn.
  const peer = raw.remoteAddress;
  if (peer !== undefined && !allowed(peer)) {
    context.log.debug(`PROXY protocol: refused a connection from ${peer} (--proxy-allow-from)`);
    raw.destroy();
    return 'refused';
  }
  const header = await readProxyHeader(raw, timeoutMs);
  if (header.state === 'done') return header.source;
  context.log.debug(`PROXY protocol: closed a connection from ${peer ?? 'unix'}: ${header.reason}`);
  raw.destroy();
  return 'refused';
}

/** Hands the raw socket to the TLS engine; the encrypted socket goes on once it is secure. */
function secureThen(engine: TlsServer, deliver: Deliver): Deliver {
  const clients = new WeakMap<Socket, ProxySource>();
  engine.on('secureConnection', (secure: TLSSocket) => {
    // tls.Server wraps the socket it was given and keeps it as `_parent` (Node internals, as
    // old as TLSSocket); spec/integration/proxy-protocol-tls.spec.ts fails if that changes.
    const raw = (secure as unknown as { _parent?: Socket })._parent;
    deliver(secure, raw === undefined ? undefined : clients.get(raw), raw ?? secure);
  });
  return (raw, client) => {
    if (client !== undefined) clients.set(raw, client);
    engine.emit('connection', raw);
  };
}

function trustListOf(text: string): (address: string) => boolean {
  const parsed = parseTrustList(text);
  // The settings validator has refused a bad list already; this guards a hand-made boot config.
  if (!parsed.ok) throw new Error(`--proxy-allow-from ${parsed.problem}`);
  return parsed.value.trusts;
}
