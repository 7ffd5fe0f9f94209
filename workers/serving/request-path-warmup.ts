/**
 * Runs a held standby's request path once before it is needed: a few requests through a private
 * `http.Server` on an ephemeral loopback port, from a client in the same process.
 *
 * A worker's first requests run Node's HTTP server, parser and socket code for the first time
 * (lazy compilation, cold inline caches): on this machine the first one takes several ms more
 * than the next. A fresh fork pays that while it serves anyway, but a promoted standby would pay
 * it on the first requests after a crash, which is the moment `--standby` exists for. The
 * requests never reach the app, the hooks or the access log: the server answers them itself,
 * so nothing the user wrote sees a request no client sent. Bounded in time, and any failure
 * (no loopback, a port refused) only means the standby starts cold.
 */
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { listenDirectly } from '../app/listen-intercept.ts';

const REQUEST = 'GET /corral-warmup HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';

/**
 * Resolves after `requests` requests have been served, or after `deadlineMs`, whichever comes
 * first. Never rejects.
 *
 * @example
 * await warmRequestPath(); // then tell the master the standby is held
 */
export async function warmRequestPath(requests = 16, deadlineMs = 2_000): Promise<void> {
  const server = createServer((_req, res) => res.end('warm'));
  const timer = setTimeout(() => server.closeAllConnections(), deadlineMs);
  try {
    const port = await listenOnLoopback(server);
    const deadline = performance.now() + deadlineMs;
    for (let i = 0; i < requests && performance.now() < deadline; i += 1) {
      if (!(await askOnce(port))) break;
    }
  } catch {
    // Cold is the worst that can come of it.
  } finally {
    clearTimeout(timer);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function listenOnLoopback(server: ReturnType<typeof createServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // Direct: a script's own server holds the listen interceptor (app/listen-intercept.ts).
    listenDirectly(server, 0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** One request on a new connection; false if it failed. */
function askOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(REQUEST));
    let answered = false;
    socket.on('data', () => (answered = true));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => resolve(answered));
  });
}
