/**
 * Which apps cannot run on Node's HTTP/2 compatibility API. Express (4 and 5) replaces each
 * request's and response's prototype with its own, built on `http.IncomingMessage` and
 * `http.ServerResponse`; an `Http2ServerRequest` given that prototype loses its getters and the
 * worker crashes on the first HTTP/2 request. Refused at boot instead, with the reason.
 */
import type { RequestListener } from 'node:http';

/**
 * The reason an app cannot be served with `--http2`, or undefined when it can.
 *
 * @example
 * http2Refusal(express()); // 'Express replaces ...'
 */
export function http2Refusal(listener: RequestListener | undefined): string | undefined {
  // An app's own server is not served over HTTP/2 at all (docs/apps.md).
  if (listener === undefined || !isExpress(listener)) return undefined;
  return "Express replaces the prototype of each request and response with its own, which Node's HTTP/2 compatibility objects cannot take: serve it without --http2 (an HTTP/2 proxy in front can still speak HTTP/2 to clients).";
}

function isExpress(listener: RequestListener): boolean {
  const app = listener as unknown as Record<string, unknown>;
  return (
    typeof app.handle === 'function' &&
    typeof app.set === 'function' &&
    typeof app.request === 'object' &&
    typeof app.response === 'object'
  );
}
