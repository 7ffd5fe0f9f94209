/**
 * Trailer fields that RFC 9110 §6.5.1 says cannot be processed after the content: framing,
 * routing, request modifiers, authentication, content format, connection control. Node keeps
 * trailers apart from the headers (it never merges them, as §6.5.2 asks), but an app or a proxy
 * that does would let a trailer rewrite a request after it was checked, so corral refuses them.
 *
 * Trailers arrive after the app has been called with the headers, so "refuse" here means: the
 * request body never ends for the app (its request stream is destroyed with an error instead),
 * the client gets 400 if the app has not started its response, and the connection is closed.
 *
 * @example
 * http.createServer({ IncomingMessage: trailerCheckedMessage(onRefused) }, app);
 */
import { IncomingMessage, type ServerResponse } from 'node:http';
import { refuse } from '../requests/error-responses.ts';

const forbiddenInTrailers = new Set([
  'content-length',
  'transfer-encoding',
  'trailer',
  'host',
  'cache-control',
  'expect',
  'max-forwards',
  'pragma',
  'range',
  'te',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'if-range',
  'authorization',
  'proxy-authorization',
  'cookie',
  'content-encoding',
  'content-type',
  'content-range',
  'connection',
  'keep-alive',
  'upgrade',
  'proxy-connection',
]);

/** Node's parser hands both the header and the trailer section to this method. */
interface ParserSide {
  complete: boolean;
  _addHeaderLines(headers: string[], n: number): void;
}

const addHeaderLines = (IncomingMessage.prototype as unknown as ParserSide)._addHeaderLines;

/**
 * An IncomingMessage class for `http.createServer` that refuses forbidden trailer fields.
 * `onRefused` logs; it is called once per refused request.
 *
 * @example
 * const Message = trailerCheckedMessage((req, reason) => log.warn(reason));
 */
export function trailerCheckedMessage(
  onRefused: (req: IncomingMessage, reason: string) => void,
): typeof IncomingMessage {
  return class TrailerCheckedMessage extends IncomingMessage {
    _addHeaderLines(headers: string[], n: number): void {
      // `complete` is set just before the trailer section is handed over, never before headers.
      const name = this.complete ? forbiddenField(headers, n) : undefined;
      if (name === undefined) return addHeaderLines.call(this, headers, n);
      onRefused(this, `${name} in the trailer section`);
      refuseTrailers(this, name);
    }
  };
}

function forbiddenField(headers: readonly string[], n: number): string | undefined {
  for (let i = 0; i < n; i += 2) {
    const name = headers[i] as string;
    if (forbiddenInTrailers.has(name.toLowerCase())) return name;
  }
  return undefined;
}

function refuseTrailers(req: IncomingMessage, name: string): void {
  // The response being written on this connection: Node's own clientError default reads it too.
  const res = (req.socket as { _httpMessage?: ServerResponse } | null)?._httpMessage;
  if (res !== undefined && res.req === req && !res.headersSent) refuse(res, 400);
  // Before Node pushes the end of the body: the app sees an aborted request, not a complete one,
  // and the connection closes. IncomingMessage emits the error only to listeners the app added.
  req.destroy(new Error(`refused: ${name} in the trailer section`));
}
