/**
 * `--metrics-bind`: Prometheus text at /metrics, served by the master from a registry of its
 * own (never prom-client's global one, which an embedding program may use): corral's metrics,
 * the request-duration histogram and the master's own process metrics (`corral_master_*`).
 *
 * A scrape reads the observation's view once and renders it; no worker is asked anything, so
 * the answer comes in the time it takes to format a few dozen lines, however stuck a worker is.
 *
 * @example
 * const part = await startPrometheus({ observation, settings, log });
 * // log: "Metrics at: http://127.0.0.1:9100/metrics"
 * await part.stop();
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { ObservePartContext, RunningPart } from '../observe-part.ts';
import { registerCorralMetrics, type Scrape } from './corral-metrics.ts';
import { renderDurationHistogram } from './duration-histogram.ts';
import { listenMetrics, METRICS_PATH, type Exposition } from './metrics-server.ts';
import { requestTotals } from './request-totals.ts';

export const MASTER_METRICS_PREFIX = 'corral_master_';

/**
 * How often the master's event-loop delay is sampled. prom-client's default, 10 ms, wakes an
 * otherwise idle master 100 times a second (measured: most of what metrics cost the master);
 * the master's loop is not a request path, and 100 ms still shows a stall.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

export async function startPrometheus(context: ObservePartContext): Promise<RunningPart> {
  const address = context.settings.metricsBind;
  if (address === undefined) throw new TypeError('startPrometheus needs settings.metricsBind');
  const render = createRenderer(context);
  let warned = false;
  const server = await listenMetrics(address, render, (error) => {
    if (!warned) context.log.warn(`A metrics scrape failed (reported once): ${String(error)}`);
    warned = true;
  });
  const where = server.url.startsWith('unix:') ? `${server.url} (GET ${METRICS_PATH})` : server.url;
  context.log.info(`Metrics at: ${where}`);
  return { address: server.url, stop: () => server.close() };
}

/**
 * The registry and the function that renders one scrape of it.
 *
 * @example
 * const render = createRenderer({ observation });
 * const { contentType, body } = await render();
 */
export function createRenderer(
  context: Pick<ObservePartContext, 'observation'>,
  now: () => number = Date.now,
): () => Promise<Exposition> {
  const registry = new Registry();
  collectDefaultMetrics({
    register: registry,
    prefix: MASTER_METRICS_PREFIX,
    eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS,
  });
  let current: Scrape | undefined;
  const take = (): Scrape => {
    const view = context.observation.view();
    return { view, requests: requestTotals(view), now: now() };
  };
  registerCorralMetrics(registry, () => (current ??= take()));
  return async () => {
    // The collectors all run before the registry's first await: they share this one view.
    current = take();
    const text = registry.metrics();
    const scrape = current;
    current = undefined;
    const body = `${await text}\n${renderDurationHistogram(scrape.requests)}`;
    return { contentType: registry.contentType, body };
  };
}
