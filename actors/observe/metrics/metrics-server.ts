/**
 * The HTTP server behind `--metrics-bind`: `GET /metrics` answers with what `render` returns,
 * anything else is 404. Listening and closing are http-listen.ts's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerText, listenHttp, requestPath } from '../http-listen.ts';

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
  const http = await listenHttp(
    address,
    (req, res) => void answer(req, res, render, onError),
    'metrics',
  );
  const url = http.origin.startsWith('unix:') ? http.origin : `${http.origin}${METRICS_PATH}`;
  return { url, close: () => http.close() };
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  render: () => Promise<Exposition>,
  onError: (error: unknown) => void,
): Promise<void> {
  const path = requestPath(req.url);
  if (path !== METRICS_PATH) return answerText(res, 404, 'Not found: metrics are at /metrics\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return answerText(res, 405, 'Method not allowed\n');
  }
  try {
    const { contentType, body } = await render();
    res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch (error) {
    onError(error);
    answerText(res, 500, 'The metrics could not be rendered\n');
  }
}
