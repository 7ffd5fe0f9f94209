/**
 * The strategy every worker class (`-k async`, `-k sync`) implements. The entry point loads the
 * app, then hands it to the class named in the boot config; the class decides how connections
 * are accepted and kept, and gives back a handle the stop handlers drive.
 *
 * @example
 * const serving = await asyncWorker.serve({ config, listener, log });
 * process.once('SIGTERM', () => void serving.drain().then(() => process.exit(0)));
 */
import type { RequestListener } from 'node:http';
import type { WorkerBootConfig, WorkerClassName } from '../../protocol/worker-boot.ts';
import type { WorkerLog } from '../worker-log.ts';
import type { ResponseClosed } from '../serving/connection-tracker.ts';
import type { AdoptedServer, UpgradeObserver } from '../app/adopt-server.ts';

export interface ServeContext {
  config: WorkerBootConfig;
  /** The app, already guarded so a throwing handler answers 500 instead of crashing the worker. */
  listener: RequestListener;
  /** Where the worker reports errors it carries on after (an accept failing with EMFILE). */
  log: WorkerLog;
  /** Told as each response closes, when request counts are kept (request-stats.ts). */
  onResponseClosed?: ResponseClosed;
  /**
   * A held standby's wait: when given, the class listens with accepting stopped, calls it, and
   * starts accepting once it resolves (the master's `promote`).
   */
  hold?: () => Promise<void>;
  /**
   * The app's own server (an exported `http.Server`, a Fastify instance's, or the one a
   * `server.js` asked to listen): served on the inherited sockets instead of a server of
   * corral's. `listener` then ends in its own request listeners.
   */
  server?: AdoptedServer;
  /** Shown each upgraded connection (the access log's line when it closes). */
  onUpgrade?: UpgradeObserver;
}

/** A worker that is serving: what the stop handlers need from it. */
export interface Serving {
  /** Requests whose response has not finished yet. */
  inFlight(): number;
  /** Open client connections, idle or busy. */
  openConnections(): number;
  /**
   * Graceful stop: stop accepting, close idle connections, let busy ones finish their current
   * response (with `Connection: close`). Resolves when no connection is left.
   */
  drain(): Promise<void>;
  /** Quick stop: stop accepting and destroy every connection. Resolves when they are closed. */
  destroy(): Promise<void>;
}

export interface WorkerClass {
  readonly name: WorkerClassName;
  /** Listen on every inherited socket; resolves once all of them accept connections. */
  serve(context: ServeContext): Promise<Serving>;
}
