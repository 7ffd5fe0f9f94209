/**
 * One newline-terminated line from a stream socket: the control protocol's framing on both
 * ends (one JSON request, then one JSON answer, per connection).
 *
 * @example
 * const line = await readLine(socket, 64 * 1024); // null if the peer closed first
 */
import type { Socket } from 'node:net';

/** Resolves with the line (without its newline), or null when the peer sent nothing. */
export function readLine(socket: Socket, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const done = (settle: () => void) => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
      settle();
    };
    const onData = (chunk: Buffer) => {
      const newline = chunk.indexOf(0x0a);
      chunks.push(newline === -1 ? chunk : chunk.subarray(0, newline));
      length += chunk.length;
      if (newline !== -1) {
        done(() => resolve(Buffer.concat(chunks).toString('utf8')));
      } else if (length > limit) {
        done(() => reject(new Error(`a line longer than ${limit} bytes`)));
      }
    };
    // A peer that half-closes after its last line may leave the newline out.
    const onEnd = () =>
      done(() => resolve(length === 0 ? null : Buffer.concat(chunks).toString('utf8')));
    const onError = (error: Error) => done(() => reject(error));
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.once('error', onError);
  });
}
