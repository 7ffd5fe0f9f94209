/**
 * The HTTP server behind `--metrics-bind`: `GET /metrics` answers with what `render` returns,
 * anything else is 404. It listens on `HOST:PORT` or `unix:PATH`; a failure to listen is a
 * {@link BindError}, so the master exits 1 with one line. Stopping it never waits on a client:
 * keep-alive connections are destroyed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { statSync } from 'node:fs';
import { BindError } from '../../../errors.ts';
import { parseAddress, type ParsedAddress } from '../../../settings/parse-address.ts';
import { clearStaleUnixSocket, removeSocketFileIfSame } from '../../listeners/unix-socket.ts';

export const METRICS_PATH = '/metrics';

export interface Exposition {
  contentType: string;
  body: string;
}

export interface MetricsServer {
  /** `http://127.0.0.1:9100/metrics`, or `unix:/run/corral-metrics.sock` (path /metrics). */
  url: string;
  close(): Promise<void>;
}

/**
 * Listens at `address` (as `--metrics-bind` takes it) and serves `render()` at /metrics.
 *
 * @example
 * const server = await listenMetrics('127.0.0.1:0', async () => ({ contentType, body }));
 * server.url; // 'http://127.0.0.1:40123/metrics'
 */
export async function listenMetrics(
  address: string,
  render: () => Promise<Exposition>,
  onError: (error: unknown) => void,
): Promise<MetricsServer> {
  const parsed = parseAddress(address);
  if (parsed.kind === 'fd') throw new BindError(address, 'metrics cannot be served on an fd');
  const server = createServer((req, res) => void answer(req, res, render, onError));
  if (parsed.kind === 'unix') await clearStaleUnixSocket(parsed.path, address);
  await listen(server, parsed, address);
  const inode = parsed.kind === 'unix' ? statSync(parsed.path).ino : undefined;
  return {
    url: urlOf(server, parsed),
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

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  render: () => Promise<Exposition>,
  onError: (error: unknown) => void,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== METRICS_PATH) return plain(res, 404, 'Not found: metrics are at /metrics\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return plain(res, 405, 'Method not allowed\n');
  }
  try {
    const { contentType, body } = await render();
    res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch (error) {
    onError(error);
    plain(res, 500, 'The metrics could not be rendered\n');
  }
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
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

function urlOf(server: Server, address: ParsedAddress): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return `http://${host}:${bound.port}${METRICS_PATH}`;
}
