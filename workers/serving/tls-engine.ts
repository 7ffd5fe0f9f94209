/**
 * HTTPS for the workers: a `tls.Server` that never listens, used only for its handshake. The
 * worker's plain `http.Server` keeps listening on the inherited fd (so the accept gate and the
 * connection tracker work as for HTTP) and hands each accepted socket to this engine, which
 * emits the encrypted socket once the handshake is done. Node's own server code then does what
 * it does for `https`: client certificate checks, the handshake timeout, ALPN, sessions.
 *
 * The key and certificates are read here, by the worker, after it has switched to `--user`: that
 * user must be able to read them (the master only checked them at start).
 *
 * @example
 * const options = readTlsOptions(config.http.tls, 10_000);
 * const engine = createTlsEngine(options);
 * engine.on('secureConnection', (secure) => deliver(secure));
 * engine.emit('connection', rawSocket);
 */
import { readFileSync } from 'node:fs';
import type { Server, TlsOptions } from 'node:tls';
import type { WorkerTlsConfig } from '../../protocol/worker-boot.ts';

/**
 * A TLS file the worker cannot read although the master could: most often a key readable only
 * by root, with the workers running as `--user`. Every worker would fail the same way, so the
 * worker reports it as a boot failure, which stops the master with the reason, instead of a
 * crash the master would answer with a new worker, forever.
 */
export class TlsFileUnreadable extends Error {
  override readonly name = 'TlsFileUnreadable';
}

/**
 * Reads the files once per worker; every listener's engine shares what they hold.
 *
 * @throws {TlsFileUnreadable} naming the option, the file and the worker's uid
 * @example
 * readTlsOptions({ certfile, keyfile, caCerts: undefined, certReqs: 'none' }, 10_000);
 */
export function readTlsOptions(tls: WorkerTlsConfig, handshakeTimeoutMs: number): TlsOptions {
  return {
    cert: readTlsFile('--certfile', tls.certfile),
    key: readTlsFile('--keyfile', tls.keyfile),
    ca: tls.caCerts === undefined ? undefined : readTlsFile('--ca-certs', tls.caCerts),
    requestCert: tls.certReqs !== 'none',
    rejectUnauthorized: tls.certReqs === 'required',
    ALPNProtocols: tls.http2 ? ['h2', 'http/1.1'] : ['http/1.1'],
    handshakeTimeout: handshakeTimeoutMs,
  };
}

/** What makes engines: node:tls's `createServer`, imported only by a worker that serves TLS. */
export type TlsEngineFactory = (options: TlsOptions) => Server;

/**
 * node:tls's server factory, imported on first use: loading node:tls costs a worker's start
 * about 10 ms, which a worker without `--certfile` need not pay.
 *
 * @example
 * const engines = await tlsEngineFactory();
 */
export async function tlsEngineFactory(): Promise<TlsEngineFactory> {
  const { createServer } = await import('node:tls');
  return createServer;
}

/**
 * One engine per listening server: each emits its secure sockets to that server alone.
 *
 * @example
 * const engine = createTlsEngine(options, await tlsEngineFactory());
 */
export function createTlsEngine(options: TlsOptions, createServer: TlsEngineFactory): Server {
  const engine = createServer(options);
  // A failed handshake (no client certificate, a port scanner, a timeout) is the client's
  // problem: Node has already closed the socket, and there is nothing for the worker to do.
  engine.on('tlsClientError', () => {});
  return engine;
}

function readTlsFile(option: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    const who = `uid ${process.getuid?.() ?? '?'}, gid ${process.getgid?.() ?? '?'}`;
    throw new TlsFileUnreadable(`the workers (${who}) cannot read ${option} ${path}: ${code}`, {
      cause: error,
    });
  }
}
