/**
 * CONNECT asks the server to open a tunnel, which corral's servers never do. Without a
 * `connect` listener Node destroys the socket, and the client sees a reset with no answer;
 * RFC 9110 §9.1 has a server answer a method it does not implement with 501. An app's own server
 * with its own `connect` listener (a proxy written in Node) keeps it.
 *
 * @example
 * refuseTunnels(server, log);
 */
import type { Server } from 'node:http';
import { rawRefusal } from '../requests/error-responses.ts';
import type { WorkerLog } from '../worker-log.ts';

export function refuseTunnels(server: Server, log: WorkerLog): void {
  if (server.listenerCount('connect') > 0) return;
  server.on('connect', (req, socket) => {
    log.warn(
      `Invalid request from ip=${req.socket.remoteAddress ?? '?'}: CONNECT ${req.url ?? ''} (no tunnels)`,
    );
    socket.on('error', () => {});
    socket.end(rawRefusal(501));
  });
}
