/**
 * Keeps one failing request from taking the worker down: a handler that throws or rejects gets a
 * 500 (no stack to the client) if nothing was sent yet, or its connection cut short if the
 * response had started, and the error is logged with the method and path.
 *
 * @example
 * http.createServer(guardListener(app, (error, req) => log.error(`${req.method} ${req.url}`, error)));
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { isHttp2Message } from '../http2/compat-message.ts';

export type HandlerErrorReport = (error: unknown, req: IncomingMessage) => void;

/**
 * Wraps a request listener so synchronous throws and rejected promises are answered and reported.
 *
 * @example
 * const safe = guardListener(app, (error, req) => console.error(req.method, req.url, error));
 */
export function guardListener(
  listener: RequestListener,
  report: HandlerErrorReport,
): RequestListener {
  const onError = (error: unknown, req: IncomingMessage, res: ServerResponse): void => {
    report(error, req);
    answerWithError(res);
  };
  return (req, res) => {
    try {
      const result = listener(req, res) as unknown;
      if (isThenable(result)) result.then(undefined, (error: unknown) => onError(error, req, res));
    } catch (error) {
      onError(error, req, res);
    }
  };
}

function answerWithError(res: ServerResponse): void {
  if (res.writableEnded || res.destroyed) return;
  if (res.headersSent) {
    // A partial response cannot be turned into an error. What was written still goes out, then
    // the connection ends short of the response's end: that is how the client learns it failed.
    // On HTTP/2 only the stream is reset, not the connection its siblings share.
    if (res.socket !== null && !isHttp2Message(res)) res.socket.destroySoon();
    else res.destroy();
    return;
  }
  // Drop whatever the app had set (a Content-Length, say), but keep the connection policy.
  const connection = res.getHeader('connection');
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  if (connection !== undefined) res.setHeader('connection', connection);
  const body = 'Internal Server Error\n';
  res.writeHead(500, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
