/**
 * Tells Node's HTTP/2 compatibility objects (`--http2`) from HTTP/1's: an `Http2ServerRequest`
 * or `Http2ServerResponse` carries its stream, an `IncomingMessage` or `ServerResponse` has none.
 * The request path asks where the two protocols differ: no `Connection` field, no reason phrase,
 * a stream to reset instead of a socket to cut, another version in the request line.
 *
 * @example
 * if (!isHttp2Message(res)) headers.connection = 'close';
 */
export function isHttp2Message(message: object): boolean {
  return (message as { stream?: unknown }).stream !== undefined;
}
