/**
 * Sends bytes exactly as given over a new TCP connection and collects everything the server
 * sends back until it closes the connection: for requests Node's own client would refuse to
 * write (malformed, oversized, smuggling attempts). The request should end the connection
 * (`Connection: close`), or be one the server refuses.
 *
 * @example
 * const reply = await exchange(port, 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n');
 * reply.status; // 400
 */
import { connect } from 'node:net';
import { within } from './wait.ts';

export interface RawReply {
  /** Everything received, as latin1. */
  text: string;
  /** The status of the first response, or 0 if none came. */
  status: number;
  /** Whether the first response's header block says `Connection: close`. */
  closes: boolean;
}

/**
 * @example
 * const { status, closes } = await exchange(port, `GET /${'a'.repeat(5000)} HTTP/1.1\r\n\r\n`);
 */
export function exchange(port: number, request: string | Buffer): Promise<RawReply> {
  const done = new Promise<RawReply>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(request));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    // A reset after the answer is one way to close; what was received still counts.
    socket.on('error', () => undefined);
    socket.once('close', () => resolve(parseReply(text)));
  });
  return within(done, 'the server to answer and close the connection');
}

function parseReply(text: string): RawReply {
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
  const head = text.slice(0, text.indexOf('\r\n\r\n') + 2);
  return { text, status, closes: /\r\nconnection: close\r\n/i.test(head) };
}
