/**
 * The request-duration histogram, written out in Prometheus' text format by hand: the workers
 * send counts already bucketed, and prom-client's Histogram can only be fed one observation at
 * a time. The lines follow the exposition format exactly (HELP, TYPE, cumulative `_bucket`
 * lines with `le`, the `+Inf` bucket equal to `_count`, then `_sum` and `_count`).
 */
import { DURATION_BUCKETS_S } from '../../../protocol/worker-stats.ts';
import type { RequestTotals } from './request-totals.ts';

export const DURATION_METRIC = 'corral_http_request_duration_seconds';

const HELP =
  'Time from a request to its response being finished, summed over the live workers and those that exited';

/**
 * @example
 * registryText + renderDurationHistogram(requestTotals(view));
 */
export function renderDurationHistogram(totals: RequestTotals): string {
  const bounds = [...DURATION_BUCKETS_S.map(String), '+Inf'];
  const lines = [`# HELP ${DURATION_METRIC} ${HELP}`, `# TYPE ${DURATION_METRIC} histogram`];
  bounds.forEach((le, i) => {
    lines.push(`${DURATION_METRIC}_bucket{le="${le}"} ${totals.cumulativeBuckets[i] ?? 0}`);
  });
  lines.push(`${DURATION_METRIC}_sum ${totals.sumS}`, `${DURATION_METRIC}_count ${totals.count}`);
  return `${lines.join('\n')}\n`;
}
