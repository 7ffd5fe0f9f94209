/** The `async` worker class (the default): many connections per worker, with keep-alive. */
import { serveHttp } from '../serving/http-serving.ts';
import type { WorkerClass } from './worker-class.ts';

/**
 * Many connections per worker, kept alive for `keepAliveMs` when idle. At `workerConnections`
 * open connections the worker stops accepting (the accept gate), so the kernel hands new
 * connections to a sibling, instead of this worker accepting and dropping them as
 * `server.maxConnections` would. Slow and idle clients are cut off by `--headers-timeout` and
 * `--request-timeout` (server-timeouts.ts, docs/slow-clients.md). `timeout` here means an
 * event-loop stall.
 *
 * @example
 * const serving = await asyncWorker.serve({ config, listener, log });
 */
export const asyncWorker: WorkerClass = {
  name: 'async',
  serve(context) {
    const { keepAliveMs, workerConnections } = context.config;
    return serveHttp(context, {
      connectionLimit: workerConnections,
      // Node reads keepAliveTimeout = 0 as "never time out", the opposite of what 0 means here.
      closeAfterEachResponse: keepAliveMs === 0,
      keepAliveMs,
    });
  },
};
