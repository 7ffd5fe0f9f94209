/**
 * A connection's peer as the app sees it, and the peer the worker actually talks to. With the
 * PROXY protocol they differ: `socket.remoteAddress` is redefined to the client the header
 * names (so the app, the access log and `req.ip` see the client), while trust decisions about
 * forwarded headers are still about the proxy on the other end of the socket.
 *
 * @example
 * setClientAddress(socket, { address: '203.0.113.7', port: 5555, family: 'IPv4' });
 * socket.remoteAddress; // '203.0.113.7'
 * connectedPeer(socket); // '127.0.0.1', the proxy
 */
import type { Socket } from 'node:net';
import type { ProxySource } from './proxy-protocol.ts';

/** The real peer of each socket whose address was redefined; undefined for a unix socket. */
const realPeers = new WeakMap<Socket, { address: string | undefined }>();

/**
 * Makes the socket report the client as its remote end.
 *
 * @example
 * setClientAddress(socket, header.source);
 */
export function setClientAddress(socket: Socket, client: ProxySource, realPeer: Socket): void {
  realPeers.set(socket, { address: realPeer.remoteAddress });
  const fixed = (value: unknown) => ({ value, configurable: true, enumerable: true });
  Object.defineProperties(socket, {
    remoteAddress: fixed(client.address),
    remotePort: fixed(client.port),
    remoteFamily: fixed(client.family),
  });
}

/**
 * The address of the peer actually connected: undefined for a unix socket.
 *
 * @example
 * connectedPeer(req.socket); // '127.0.0.1'
 */
export function connectedPeer(socket: Socket): string | undefined {
  const real = realPeers.get(socket);
  return real === undefined ? socket.remoteAddress : real.address;
}
