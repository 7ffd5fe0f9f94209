/**
 * Serves a fetch-style app (`{ fetch(request) => Response }`, as Hono and others export) from
 * Node's `http` server: the request body streams in as a web `ReadableStream`, the response body
 * streams out, and status and headers (each `Set-Cookie` on its own line) are copied over.
 *
 * @example
 * http.createServer(fetchToListener({ fetch: () => new Response('hi') }));
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { isHttp2Message } from '../http2/compat-message.ts';

/** An app with a fetch handler; `this` is the app when it is called. */
export interface FetchApp {
  fetch(request: Request): Response | Promise<Response>;
}

/**
 * Adapts a fetch-style app to a Node request listener. The returned promise rejects when the app
 * throws or returns something that is not a `Response`, so the caller can answer 500.
 *
 * @example
 * const listener = fetchToListener(honoApp);
 */
export function fetchToListener(app: FetchApp): RequestListener {
  return async (req, res) => {
    const aborted = new AbortController();
    // The client went away before the response finished: tell the app through request.signal.
    res.once('close', () => {
      if (!res.writableFinished) aborted.abort();
    });
    const response: unknown = await app.fetch(toWebRequest(req, aborted.signal));
    if (!(response instanceof Response)) {
      throw new TypeError(`fetch() returned ${typeof response}, not a Response`);
    }
    try {
      await writeWebResponse(response, req, res);
    } catch (error) {
      // A client that disconnected mid-body is not an app error.
      if (!aborted.signal.aborted) throw error;
    }
  };
}

function toWebRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    // HTTP/2's pseudo-headers (:method, :path, ...) are not fields; fetch's Headers refuses them.
    if (name.charCodeAt(0) !== 0x3a) headers.append(name, req.rawHeaders[i + 1] as string);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const init: RequestInit & { duplex?: 'half' } = { method: req.method ?? 'GET', headers, signal };
  if (hasBody) {
    init.body = Readable.toWeb(req) as unknown as ReadableStream;
    // Required by fetch's Request for a streamed body: the request is sent before the response.
    init.duplex = 'half';
  }
  return new Request(requestUrl(req), init);
}

function requestUrl(req: IncomingMessage): string {
  const path = req.url ?? '/';
  try {
    const host = req.headers.host ?? req.headers[':authority'] ?? 'localhost';
    return new URL(path, `http://${String(host)}`).href;
  } catch {
    // A Host header that is not a valid authority: keep the path, drop the host.
    return new URL(path, 'http://localhost').href;
  }
}

async function writeWebResponse(
  response: Response,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  res.statusCode = response.status;
  // HTTP/2 has no reason phrase (its compatibility response warns when one is set).
  if (response.statusText !== '' && !isHttp2Message(res)) res.statusMessage = response.statusText;
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  // Headers joins repeated values with commas, which breaks cookies; they go one per line.
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  if (response.body === null || req.method === 'HEAD') {
    await response.body?.cancel();
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), res);
}
