/**
 * Answers what Node's parser refused (the server's `clientError` event), where there is no
 * request object yet: 431 for a header block over `maxHeaderSize`, 408 for a request that took
 * too long, 400 for anything malformed. The app never sees such a request.
 *
 * The connection is half-closed after the answer and the rest of the client's data discarded
 * for a moment before it is closed, so the client reads the answer instead of a reset (closing
 * a socket with unread input makes the kernel send RST).
 *
 * @example
 * server.on('clientError', answerClientErrors(log));
 */
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { rawRefusal, type RefusalStatus } from '../requests/error-responses.ts';
import type { WorkerLog } from '../worker-log.ts';

/** How long a refused connection stays half-closed, draining what the client still sends. */
export const LINGER_MS = 2_000;

/** The client went away: nothing to answer, nothing worth a warning. */
const goneCodes = new Set(['ECONNRESET', 'EPIPE', 'ENOTCONN', 'ETIMEDOUT']);

type ClientSocket = Duplex & { _httpMessage?: ServerResponse; remoteAddress?: string };

/**
 * The `clientError` listener for every server of the worker.
 *
 * @example
 * server.on('clientError', answerClientErrors(log));
 */
export function answerClientErrors(log: WorkerLog): (error: Error, socket: Duplex) => void {
  return (error, socket: ClientSocket) => {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    // Node calls again for each chunk that follows a parse error; the first answer stands.
    if (socket.writableEnded || socket.destroyed) return;
    if (goneCodes.has(code)) {
      log.debug(`client went away: ${code}`);
      socket.destroy();
      return;
    }
    log.warn(`Invalid request from ip=${socket.remoteAddress ?? '?'}: ${code} ${error.message}`);
    // A response already under way cannot be followed by another one: cut it.
    if (!socket.writable || socket._httpMessage?.headersSent === true) {
      socket.destroy();
      return;
    }
    socket.end(rawRefusal(statusFor(code)));
    linger(socket);
  };
}

function statusFor(code: string): RefusalStatus {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return 413;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'HPE_HEADERS_TIMEOUT') return 408;
  return 400;
}

function linger(socket: Duplex): void {
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
