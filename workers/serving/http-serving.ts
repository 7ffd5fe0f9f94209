/**
 * The HTTP serving both worker classes share: one `http.Server` per inherited listener fd (or
 * the app's own server, adopted, on the first fd, with plain forwarders on the others), a
 * connection limit enforced with the accept gate, and the stop handle. The classes differ only
 * in the policy they pass.
 *
 * @example
 * const serving = await serveHttp(context, { connectionLimit: 1, closeAfterEachResponse: true });
 */
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import type { WorkerBootConfig } from '../../protocol/worker-boot.ts';
import { createAcceptGate, type AcceptGate } from './accept-gate.ts';
import type { AdoptedServer } from '../app/adopt-server.ts';
import { listenDirectly } from '../app/listen-intercept.ts';
import { createConnectionTracker, type ConnectionTracker } from './connection-tracker.ts';
import { createConnectionSetup } from './connection-setup.ts';
import { createHttp2Side, type Http2Side } from '../http2/http2-side.ts';
import { headerBlockSize } from '../screening/request-limits.ts';
import { refuseTunnels } from '../screening/refuse-tunnels.ts';
import { parserOptions, screenParserErrors } from '../screening/screen-requests.ts';
import { serverTimeouts } from './server-timeouts.ts';
import type { ServeContext, Serving } from '../classes/worker-class.ts';

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
  let h2: Http2Side | undefined;
  // Stop accepting at the limit so the kernel gives the next connection to a sibling.
  const applyLimit = (): void => {
    if (admission !== undefined) return;
    const open = tracker.openConnections() + (h2?.openConnections() ?? 0);
    if (open >= policy.connectionLimit) gate.close();
    else gate.open();
  };
  const tracker = createConnectionTracker({
    closeAfterEachResponse: policy.closeAfterEachResponse,
    onResponseClosed: context.onResponseClosed,
    upgradeGraceMs: context.config.upgradeGraceMs,
    onCount: applyLimit,
  });
  const handler = tracker.wrap(context.listener);
  const adopted = context.server;
  const { http } = context.config;
  // HTTP/2 is corral's own servers' (an app's server stays what the app made).
  if (http.tls?.http2 === true && adopted === undefined) {
    h2 = await createHttp2Side(handler, {
      maxHeaderListSize: headerBlockSize(http),
      onCount: applyLimit,
    });
  }
  const setUpConnections = await createConnectionSetup(context, {
    // The app's own https server keeps its own certificate (docs/apps.md).
    tls: adopted?.ownTls !== true,
    http2: h2?.accept,
  });
  const options = { ...serverTimeouts(http), ...parserOptions(http, context.log) };
  const prepare = (server: Server): Server => {
    screenParserErrors(server, http, context.log);
    refuseTunnels(server, context.log);
    if (policy.keepAliveMs !== undefined) server.keepAliveTimeout = policy.keepAliveMs;
    // Before listening, so no connection can arrive uncounted.
    tracker.watch(server);
    admission?.watch(server);
    // Last: it takes over every 'connection' listener so they see the socket after PROXY/TLS.
    setUpConnections?.(server);
    return server;
  };
  const servers: NetServer[] =
    adopted === undefined
      ? context.config.listeners.map(() => prepare(createServer(options, handler)))
      : adoptedServers(adopted, context, { prepare, handler, tracker, options });
  await Promise.all(servers.map((server, i) => listenOnFd(server, context.config, i, gate)));
  for (const server of servers) {
    // Without a listener a failed accept (EMFILE under load) would crash the worker.
    server.on('error', (error) => context.log.error('listening socket error', error));
  }
  if (context.hold !== undefined) {
    await context.hold();
    gate.open();
  }
  if (h2 === undefined) {
    return {
      inFlight: tracker.inFlight,
      openConnections: tracker.openConnections,
      drain: () => tracker.drain(servers),
      destroy: () => tracker.destroy(servers),
    };
  }
  const side = h2;
  return {
    inFlight: () => tracker.inFlight() + side.inFlight(),
    openConnections: () => tracker.openConnections() + side.openConnections(),
    drain: () => Promise.all([tracker.drain(servers), side.drain()]).then(() => undefined),
    destroy: () => Promise.all([tracker.destroy(servers), side.destroy()]).then(() => undefined),
  };
}

interface AdoptionParts {
  prepare(server: Server): Server;
  handler: Parameters<AdoptedServer['route']>[0];
  tracker: ConnectionTracker;
  options: Parameters<AdoptedServer['configure']>[0];
}

/**
 * The app's server on the first fd; on each further fd a plain server that hands its
 * connections to the app's, so every listener reaches the same app and the same counts.
 */
function adoptedServers(
  adopted: AdoptedServer,
  context: ServeContext,
  parts: AdoptionParts,
): NetServer[] {
  adopted.configure(parts.options);
  adopted.route(parts.handler, (req, socket) => {
    parts.tracker.upgraded(req, socket);
    context.onUpgrade?.(req, socket);
  });
  const main = parts.prepare(adopted.server);
  const forwarders = context.config.listeners
    .slice(1)
    .map(() => createNetServer((socket) => void main.emit('connection', socket)));
  return [main, ...forwarders];
}

function listenOnFd(
  server: NetServer,
  config: WorkerBootConfig,
  index: number,
  gate: AcceptGate,
): Promise<void> {
  const listener = config.listeners[index];
  if (listener === undefined) throw new Error(`no listener at index ${index}`);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // Node 20 ignores `backlog` inside the options object when listening on an fd; as the
    // second argument it reaches listen(2). Direct: an app's server asked for its own port.
    listenDirectly(server, { fd: listener.fd }, config.backlog, () => {
      server.off('error', reject);
      resolve();
    });
    // Listening on an fd makes the handle at once; the first accept can only come from the
    // event loop, so a closed gate applied here lets none through.
    gate.arm(server);
  });
}
