/**
 * A small HTTP client for the worker specs: one request, the whole body, and the local port of
 * the connection it used (to tell reused keep-alive connections from new ones).
 *
 * @example
 * const { status, body } = await get(port, '/');
 */
import http, { type Agent, type IncomingHttpHeaders } from 'node:http';

export interface GetOptions {
  /** `false` (the default) opens a new connection and sends `Connection: close`. */
  agent?: Agent | false;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface GetResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  localPort: number | undefined;
}

/**
 * Sends one request to 127.0.0.1 and collects the response.
 *
 * @example
 * const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
 * const first = await get(port, '/', { agent: keepAlive });
 */
export function get(port: number, path: string, options: GetOptions = {}): Promise<GetResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        agent: options.agent ?? false,
        headers: options.headers,
      },
      (res) => {
        const localPort = res.socket.localPort;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
            localPort,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
