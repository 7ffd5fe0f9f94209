/**
 * The request counts of the whole server: every live worker's latest totals plus what the
 * workers that exited had last reported. Both only grow, so counters built on them never go
 * down when a worker dies (what it served after its last heartbeat is lost, never taken back).
 */
import { addStats, emptyStats, type ObservedView } from '../observation.ts';
import { DURATION_BUCKETS_S, type WorkerStats } from '../../../protocol/worker-stats.ts';

/** The classes Prometheus users alert on; always present, at 0 when nothing was answered so. */
export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

export interface RequestTotals {
  byClass: Record<string, number>;
  inFlight: number;
  /** Cumulative counts per bucket of DURATION_BUCKETS_S, then +Inf: what `_bucket` reports. */
  cumulativeBuckets: number[];
  count: number;
  sumS: number;
}

/**
 * @example
 * requestTotals(observation.view()).byClass['2xx']; // 2xx answers since the master started
 */
export function requestTotals(view: ObservedView): RequestTotals {
  const sum = emptyStats();
  addStats(sum, view.totals.retired);
  let inFlight = 0;
  for (const worker of view.workers) {
    if (worker.stats === null) continue;
    addStats(sum, worker.stats);
    inFlight += worker.stats.inFlight;
  }
  const cumulativeBuckets = cumulate(sum);
  return {
    byClass: foldStatusClasses(sum.byStatus),
    inFlight,
    cumulativeBuckets,
    count: cumulativeBuckets.at(-1) ?? 0,
    sumS: sum.durationSumS,
  };
}

/**
 * Folds status codes into classes: `{ '200': 3, '204': 1, '404': 2 }` gives 2xx 4, 4xx 2.
 * A code that is not three digits from 1 to 5 counts as `other`.
 */
export function foldStatusClasses(byStatus: Record<string, number>): Record<string, number> {
  const classes: Record<string, number> = Object.fromEntries(STATUS_CLASSES.map((c) => [c, 0]));
  for (const [code, count] of Object.entries(byStatus)) {
    const name = /^[1-5]\d\d$/.test(code) ? `${code[0]}xx` : 'other';
    classes[name] = (classes[name] ?? 0) + count;
  }
  return classes;
}

/** Per-bucket counts (the last one above every bound) to Prometheus' running totals. */
function cumulate(stats: WorkerStats): number[] {
  let running = 0;
  const buckets: number[] = [];
  for (let i = 0; i <= DURATION_BUCKETS_S.length; i += 1) {
    running += stats.durationCounts[i] ?? 0;
    buckets.push(running);
  }
  return buckets;
}
