/**
 * The HTTP serving both worker classes share: one `http.Server` per inherited listener fd, a
 * connection limit enforced with the accept gate, and the stop handle. The classes differ only
 * in the policy they pass.
 *
 * @example
 * const serving = await serveHttp(context, { connectionLimit: 1, closeAfterEachResponse: true });
 */
import { createServer, type Server } from 'node:http';
import type { WorkerBootConfig } from '../protocol/worker-boot.ts';
import { createAcceptGate, type AcceptGate } from './accept-gate.ts';
import { createConnectionTracker } from './connection-tracker.ts';
import { createConnectionSetup } from './connection-setup.ts';
import { parserOptions, screenParserErrors } from './screening/screen-requests.ts';
import { serverTimeouts } from './server-timeouts.ts';
import type { ServeContext, Serving } from './worker-class.ts';

export interface HttpPolicy {
  /** Open connections at which the worker stops accepting (it resumes below it). */
  connectionLimit: number;
  /** Every response carries `Connection: close`. */
  closeAfterEachResponse: boolean;
  /** Idle keep-alive time in ms; ignored when every response closes its connection. */
  keepAliveMs?: number;
  /** Decides when to accept instead of `connectionLimit` alone (the sync class's). */
  admission?: (gate: AcceptGate) => { watch(server: Server): void };
}

/**
 * Listens on every listener fd of the boot config and serves the app with the given policy.
 *
 * @example
 * const serving = await serveHttp({ config, listener, log }, { connectionLimit: 1000, closeAfterEachResponse: false, keepAliveMs: 2000 });
 */
export async function serveHttp(context: ServeContext, policy: HttpPolicy): Promise<Serving> {
  const gate = createAcceptGate();
  // A held standby listens with accept stopped, so its promotion is one readStart away.
  if (context.hold !== undefined) gate.close();
  const admission = policy.admission?.(gate);
  const tracker = createConnectionTracker({
    closeAfterEachResponse: policy.closeAfterEachResponse,
    onResponseClosed: context.onResponseClosed,
    // Stop accepting at the limit so the kernel gives the next connection to a sibling.
    onCount: (open) => {
      if (admission !== undefined) return;
      if (open >= policy.connectionLimit) gate.close();
      else gate.open();
    },
  });
  const handler = tracker.wrap(context.listener);
  const setUpConnections = await createConnectionSetup(context);
  const { http } = context.config;
  const options = { ...serverTimeouts(http), ...parserOptions(http, context.log) };
  const servers = context.config.listeners.map(() => {
    const server = createServer(options, handler);
    screenParserErrors(server, http, context.log);
    if (policy.keepAliveMs !== undefined) server.keepAliveTimeout = policy.keepAliveMs;
    // Before listening, so no connection can arrive uncounted.
    tracker.watch(server);
    admission?.watch(server);
    // Last: it takes over every 'connection' listener so they see the socket after PROXY/TLS.
    setUpConnections?.(server);
    return server;
  });
  await Promise.all(servers.map((server, i) => listenOnFd(server, context.config, i, gate)));
  for (const server of servers) {
    // Without a listener a failed accept (EMFILE under load) would crash the worker.
    server.on('error', (error) => context.log.error('listening socket error', error));
  }
  if (context.hold !== undefined) {
    await context.hold();
    gate.open();
  }
  return {
    inFlight: tracker.inFlight,
    openConnections: tracker.openConnections,
    drain: () => tracker.drain(servers),
    destroy: () => tracker.destroy(servers),
  };
}

function listenOnFd(
  server: Server,
  config: WorkerBootConfig,
  index: number,
  gate: AcceptGate,
): Promise<void> {
  const listener = config.listeners[index];
  if (listener === undefined) throw new Error(`no listener at index ${index}`);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // Node 20 ignores `backlog` inside the options object when listening on an fd; as the
    // second argument it reaches listen(2).
    server.listen({ fd: listener.fd }, config.backlog, () => {
      server.off('error', reject);
      resolve();
    });
    // Listening on an fd makes the handle at once; the first accept can only come from the
    // event loop, so a closed gate applied here lets none through.
    gate.arm(server);
  });
}
