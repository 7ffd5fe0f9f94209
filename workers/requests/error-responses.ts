/**
 * The short responses corral sends itself for requests it refuses: a status, its reason phrase
 * as a one-line plain-text body, and `Connection: close`. Nothing about the cause goes to the
 * client; the log has it.
 *
 * @example
 * refuse(res, 431);
 * socket.end(rawRefusal(400));
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import { isHttp2Message } from '../http2/compat-message.ts';

/** The statuses corral answers a refused request with. */
export type RefusalStatus = 400 | 408 | 413 | 414 | 431 | 501;

/** Why a request was refused: the status for the client, the reason for the log. */
export interface Refusal {
  status: RefusalStatus;
  reason: string;
}

function bodyOf(status: number): string {
  return `${STATUS_CODES[status] ?? 'Error'}\n`;
}

/**
 * Answers through the request's own response, dropping whatever the app may have set, and
 * closes the connection after it.
 *
 * @example
 * if (!res.headersSent) refuse(res, 400);
 */
export function refuse(res: ServerResponse, status: RefusalStatus): void {
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  const body = bodyOf(status);
  // HTTP/2 forbids connection-specific fields; its stream ends with the response anyway.
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...(!isHttp2Message(res) && { connection: 'close' }),
  });
  res.end(body);
}

/**
 * The same response as raw bytes, for a socket whose request Node could not parse (there is no
 * response object then).
 *
 * @example
 * socket.end(rawRefusal(431));
 */
export function rawRefusal(status: RefusalStatus): string {
  const body = bodyOf(status);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}
