/**
 * The request counts a worker sends with its heartbeats when the master shows or sends them
 * (status page, metrics, statsd, control socket; see protocol/worker-stats.ts). When the boot
 * config says `off` there is no `onResponseClosed`, and the connection tracker times nothing.
 *
 * The counts are taken where the connection tracker already sees every response close (its
 * one shared close listener): a response closes once, whether it finished or was cut short.
 * Per request that costs a clock read at each end and a few additions; a listener and a closure
 * of its own per request measured 1.5 to 3.5 µs of a hello-world worker's 35 to 50 µs.
 *
 * @example
 * const stats = createRequestStats(config.stats);
 * await workerClass.serve({ config, listener, log, onResponseClosed: stats.onResponseClosed });
 * startHeartbeat(ms, () => postToMaster({ act: 'heartbeat', stats: stats.read() }));
 */
import type { ServerResponse } from 'node:http';
import {
  DURATION_BUCKETS_S,
  type StatsLevel,
  type WorkerStats,
} from '../../protocol/worker-stats.ts';
import type { ResponseClosed } from '../serving/connection-tracker.ts';
import { inFlightRegistry } from '../stall/in-flight-table.ts';

/** At most this many single durations travel with one heartbeat; the rest are counted only. */
export const MAX_SAMPLES_PER_BEAT = 200;

export interface RequestStats {
  /** For the connection tracker; undefined when off. */
  onResponseClosed: ResponseClosed | undefined;
  /** The totals so far (and, with `samples`, the durations since the previous read); undefined when off. */
  read(): WorkerStats | undefined;
}

export function createRequestStats(level: StatsLevel, now = () => performance.now()): RequestStats {
  if (level === 'off') return { onResponseClosed: undefined, read: () => undefined };
  const totals = {
    requests: 0,
    byStatus: {} as Record<string, number>,
    durationCounts: new Array<number>(DURATION_BUCKETS_S.length + 1).fill(0),
    durationSumS: 0,
  };
  // The trackers' unfinished responses, counted when read rather than as they come and go.
  const inFlight = inFlightRegistry();
  const sampling = level === 'samples';
  let samples: number[] = [];
  let sinceRead = 0;

  function closed(res: ServerResponse, startedHr: number): void {
    const ms = now() - startedHr;
    const seconds = ms / 1000;
    totals.requests += 1;
    const code = res.statusCode;
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
    onResponseClosed: closed,
    read() {
      const stats: WorkerStats = {
        ...totals,
        inFlight: inFlight.count(),
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
