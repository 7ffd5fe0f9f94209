/**
 * The request counts a worker sends with its heartbeats when the master shows or sends them
 * (status page, metrics, statsd, control socket; see protocol/worker-stats.ts). When the boot
 * config says `off`, `withRequestStats` returns the listener it was given: nothing is added to
 * the request path.
 *
 * Per request it costs one clock read at the start, one `close` listener on the response, and a
 * few additions when it closes: a response closes once, whether it finished or was cut short.
 *
 * @example
 * const stats = createRequestStats(config.stats);
 * const listener = stats.wrap(app);
 * startHeartbeat(ms, () => postToMaster({ act: 'heartbeat', stats: stats.read() }));
 */
import type { RequestListener, ServerResponse } from 'node:http';
import { DURATION_BUCKETS_S, type StatsLevel, type WorkerStats } from '../protocol/worker-stats.ts';

/** At most this many single durations travel with one heartbeat; the rest are counted only. */
export const MAX_SAMPLES_PER_BEAT = 200;

export interface RequestStats {
  wrap(listener: RequestListener): RequestListener;
  /** The totals so far (and, with `samples`, the durations since the previous read); undefined when off. */
  read(): WorkerStats | undefined;
}

export function createRequestStats(level: StatsLevel, now = () => performance.now()): RequestStats {
  if (level === 'off') return { wrap: (listener) => listener, read: () => undefined };
  const totals = {
    requests: 0,
    inFlight: 0,
    byStatus: {} as Record<string, number>,
    durationCounts: new Array<number>(DURATION_BUCKETS_S.length + 1).fill(0),
    durationSumS: 0,
  };
  const sampling = level === 'samples';
  let samples: number[] = [];
  let sinceRead = 0;

  function closed(res: ServerResponse, startedAt: number): void {
    const ms = now() - startedAt;
    const seconds = ms / 1000;
    totals.inFlight -= 1;
    totals.requests += 1;
    const code = String(res.statusCode);
    totals.byStatus[code] = (totals.byStatus[code] ?? 0) + 1;
    totals.durationCounts[bucketOf(seconds)]! += 1;
    totals.durationSumS += seconds;
    if (!sampling) return;
    sinceRead += 1;
    // Reservoir sampling keeps an even sample of every duration since the last read.
    if (samples.length < MAX_SAMPLES_PER_BEAT) samples.push(ms);
    else {
      const slot = Math.floor(Math.random() * sinceRead);
      if (slot < MAX_SAMPLES_PER_BEAT) samples[slot] = ms;
    }
  }

  return {
    wrap: (listener) => (req, res) => {
      const startedAt = now();
      totals.inFlight += 1;
      res.once('close', () => closed(res, startedAt));
      return listener(req, res);
    },
    read() {
      const stats: WorkerStats = {
        ...totals,
        byStatus: { ...totals.byStatus },
        durationCounts: [...totals.durationCounts],
      };
      if (sampling) {
        stats.durationSamplesMs = samples.map((ms) => Math.round(ms * 1000) / 1000);
        stats.sampleRate = sinceRead === 0 ? 1 : samples.length / sinceRead;
        samples = [];
        sinceRead = 0;
      }
      return stats;
    },
  };
}

function bucketOf(seconds: number): number {
  for (let i = 0; i < DURATION_BUCKETS_S.length; i += 1) {
    if (seconds <= DURATION_BUCKETS_S[i]!) return i;
  }
  return DURATION_BUCKETS_S.length;
}
