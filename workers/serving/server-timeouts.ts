/**
 * The timeouts that protect a worker from slow and idle clients, as `http.Server` options:
 * `--headers-timeout` and `--request-timeout`, and how often Node checks them.
 *
 * @example
 * const server = createServer(serverTimeouts(config.http), handler);
 */
import type { ServerOptions } from 'node:http';
import type { WorkerHttpConfig } from '../../protocol/worker-boot.ts';

/** The longest pause between two checks of the timeouts. */
export const MAX_CHECK_INTERVAL_MS = 1_000;

type TimeoutOptions = Pick<
  ServerOptions,
  'headersTimeout' | 'requestTimeout' | 'connectionsCheckingInterval'
>;

/**
 * Node checks both timeouts on a timer (`connectionsCheckingInterval`, 30 s by default), so a
 * 10 s headers timeout would really be anything from 10 to 40 s. Checking every second, or twice
 * per timeout when it is shorter, keeps the overshoot small; the check only walks connections
 * that are in the middle of sending a request, which costs nothing noticeable.
 *
 * @example
 * serverTimeouts({ headersTimeoutMs: 10_000, requestTimeoutMs: 300_000 });
 * // { headersTimeout: 10000, requestTimeout: 300000, connectionsCheckingInterval: 1000 }
 */
export function serverTimeouts(
  http: Pick<WorkerHttpConfig, 'headersTimeoutMs' | 'requestTimeoutMs'>,
): TimeoutOptions {
  // Node wants whole milliseconds, and throws when headersTimeout exceeds a non-zero
  // requestTimeout: the whole request's limit already bounds its headers.
  const requestTimeout = Math.ceil(http.requestTimeoutMs);
  const headersTimeout =
    requestTimeout > 0
      ? Math.min(Math.ceil(http.headersTimeoutMs), requestTimeout)
      : Math.ceil(http.headersTimeoutMs);
  const shortest = Math.min(...[headersTimeout, requestTimeout].filter((ms) => ms > 0));
  const connectionsCheckingInterval = Number.isFinite(shortest)
    ? Math.max(1, Math.min(MAX_CHECK_INTERVAL_MS, Math.floor(shortest / 2)))
    : MAX_CHECK_INTERVAL_MS;
  return { headersTimeout, requestTimeout, connectionsCheckingInterval };
}
