/**
 * Reads a PROXY protocol header off a fresh connection before anything else sees its bytes, and
 * puts back (`unshift`) whatever came after it in the same packets: the start of the request,
 * or a TLS ClientHello.
 *
 * @example
 * const header = await readProxyHeader(socket, 10_000);
 * if (header.state !== 'done') socket.destroy();
 */
import type { Socket } from 'node:net';
import { parseProxyHeader, type ProxyHeader } from './proxy-protocol.ts';

export type ReadHeader = Exclude<ProxyHeader, { state: 'incomplete' }>;

/**
 * Resolves with the parsed header, or `invalid` if the bytes are not one, the peer goes away, or
 * `timeoutMs` passes first (a peer that never sends one must not hold the connection forever).
 *
 * @example
 * const header = await readProxyHeader(socket, 10_000);
 */
export function readProxyHeader(socket: Socket, timeoutMs: number): Promise<ReadHeader> {
  return new Promise((resolve) => {
    let bytes = Buffer.alloc(0);
    const finish = (header: ReadHeader): void => {
      clearTimeout(timer);
      socket.off('readable', onReadable);
      socket.off('end', onGone);
      socket.off('error', onGone);
      socket.off('close', onGone);
      resolve(header);
    };
    const onGone = (): void => finish({ state: 'invalid', reason: 'the peer went away' });
    const onReadable = (): void => {
      let chunk: Buffer | null;
      while ((chunk = socket.read() as Buffer | null) !== null) {
        bytes = Buffer.concat([bytes, chunk]);
        const header = parseProxyHeader(bytes);
        if (header.state === 'incomplete') continue;
        if (header.state === 'done' && bytes.length > header.length) {
          socket.unshift(bytes.subarray(header.length));
        }
        return finish(header);
      }
    };
    const timer = setTimeout(
      () => finish({ state: 'invalid', reason: 'no PROXY protocol header in time' }),
      timeoutMs,
    );
    socket.on('readable', onReadable);
    socket.once('end', onGone);
    socket.once('error', onGone);
    socket.once('close', onGone);
  });
}
