/**
 * Serves a request listener in the spec's own process on 127.0.0.1, port 0, for one test.
 *
 * @example
 * const port = await serveInProcess(t, loaded.listener);
 * const { body } = await get(port, '/');
 */
import type { ExecutionContext } from 'ava';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Listens with the listener and closes the server (and its connections) in teardown.
 *
 * @example
 * const port = await serveInProcess(t, (_req, res) => res.end('hi'));
 */
export async function serveInProcess(
  t: ExecutionContext,
  listener: RequestListener,
): Promise<number> {
  const server = createServer(listener);
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}
