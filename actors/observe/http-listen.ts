/**
 * The small HTTP servers the master runs for people and scrapers (`--metrics-bind`,
 * `--status-bind`): listening on `HOST:PORT` or `unix:PATH`, a failure to listen as a
 * {@link BindError} (the master exits 1 with one line), and a close that never waits on a
 * client: keep-alive connections and open event streams are destroyed.
 */
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { statSync } from 'node:fs';
import { BindError } from '../../errors.ts';
import { parseAddress, type ParsedAddress } from '../../settings/parse-address.ts';
import { clearStaleUnixSocket, removeSocketFileIfSame } from '../listeners/unix-socket.ts';

export interface ListeningHttp {
  /** `http://127.0.0.1:9100`, `http://[::1]:9100` or `unix:/run/corral-status.sock`. */
  origin: string;
  close(): Promise<void>;
}

/**
 * @example
 * const http = await listenHttp('127.0.0.1:0', handler, 'the status page');
 * http.origin; // 'http://127.0.0.1:40123'
 */
export async function listenHttp(
  address: string,
  handler: RequestListener,
  what: string,
): Promise<ListeningHttp> {
  const parsed = parseAddress(address);
  if (parsed.kind === 'fd') throw new BindError(address, `${what} cannot be served on an fd`);
  const server = createServer(handler);
  if (parsed.kind === 'unix') await clearStaleUnixSocket(parsed.path, address);
  await listen(server, parsed, address);
  const inode = parsed.kind === 'unix' ? statSync(parsed.path).ino : undefined;
  return {
    origin: originOf(server, parsed),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        if (parsed.kind === 'unix' && inode !== undefined) {
          removeSocketFileIfSame(parsed.path, inode);
        }
      }),
  };
}

/** A short plain-text answer: a 404, a 405, a 500. */
export function answerText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/** The path of a request's URL, without its query. */
export function requestPath(url: string | undefined): string {
  return (url ?? '/').split('?')[0] ?? '/';
}

function listen(server: Server, address: ParsedAddress, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) =>
      reject(new BindError(label, describeListenError(error), { cause: error }));
    server.once('error', failed);
    const options =
      address.kind === 'unix' ? { path: address.path } : tcpOptions(address as TcpAddress);
    server.listen(options, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

type TcpAddress = Extract<ParsedAddress, { kind: 'tcp' }>;

function tcpOptions(address: TcpAddress) {
  return { host: address.host, port: address.port, ipv6Only: address.family === 6 };
}

function describeListenError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return 'address already in use';
    case 'EACCES':
      return 'permission denied';
    case 'EADDRNOTAVAIL':
      return 'address not available on this machine';
    case 'ENOTFOUND':
      return 'host name not found';
    default:
      return error.message;
  }
}

function originOf(server: Server, address: ParsedAddress): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return `http://${host}:${bound.port}`;
}
