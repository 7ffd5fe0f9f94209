/**
 * What a worker counts about its requests when something in the master wants it (the status
 * page, metrics, statsd, `corral ctl`), sent with each heartbeat. Counts are totals since the
 * worker started, so a lost or late heartbeat loses nothing, and the master can keep Prometheus
 * counters monotonic by adding a dead worker's last totals to what it remembers.
 *
 * With all of those off the worker counts nothing and its heartbeat carries no stats: the request
 * path is what it is without them.
 *
 * @example
 * postToMaster({ act: 'heartbeat', stats: collector.read() } satisfies WorkerMessage);
 */

/** Upper bounds of the request-duration buckets, in seconds (Prometheus' defaults). */
export const DURATION_BUCKETS_S = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

/**
 * Which counts a worker keeps: none, totals and the duration histogram, or those plus a sample
 * of single durations (statsd timers need them).
 */
export type StatsLevel = 'off' | 'counts' | 'samples';

export interface WorkerStats {
  /** Requests answered since the worker started (responses finished or cut short). */
  requests: number;
  /** Requests being served right now. */
  inFlight: number;
  /** Answered requests by status code, `'200'`, `'404'`, ... */
  byStatus: Record<string, number>;
  /**
   * Answered requests per duration bucket: index i counts durations up to DURATION_BUCKETS_S[i]
   * that are above the bound before it; the last entry counts those above every bound.
   */
  durationCounts: number[];
  /** The sum of every answered request's duration, in seconds. */
  durationSumS: number;
  /**
   * With `samples`: some of the durations (ms) answered since the previous heartbeat, and the
   * fraction of them that the sample holds (statsd's `@rate`).
   */
  durationSamplesMs?: number[];
  sampleRate?: number;
}

export function isWorkerStats(value: unknown): value is WorkerStats {
  if (typeof value !== 'object' || value === null) return false;
  const stats = value as Partial<WorkerStats>;
  return (
    typeof stats.requests === 'number' &&
    typeof stats.inFlight === 'number' &&
    typeof stats.byStatus === 'object' &&
    stats.byStatus !== null &&
    Array.isArray(stats.durationCounts) &&
    typeof stats.durationSumS === 'number'
  );
}
