/**
 * `--statsd-host`: Gunicorn's statsd metrics, sent by the master. Workers do not send a
 * datagram per request as Gunicorn's do; they report cumulative counts (and, with statsd on,
 * a sample of durations) with their heartbeats, and once a second the master sends what is new:
 *
 * - `requests` and `request.status.<code>` counters, the deltas of the workers' totals;
 * - `request.duration` timers in ms, each sampled duration once, `|@rate` when sampled;
 * - the `workers` gauge, when the count changed and every few seconds anyway;
 * - `log.critical`, `log.error`, `log.warning` counters of the master's lifecycle lines.
 *
 * Several metrics travel in one datagram, newline-separated. Nothing here waits on statsd.
 *
 * @example
 * const part = await startStatsd({ observation, settings, log });
 * await part.stop(); // the last counts go out first
 */
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { isWorkerStats } from '../../../protocol/worker-stats.ts';
import type { ObservePartContext, RunningPart } from '../observe-part.ts';
import {
  countLines,
  counter,
  createCountDeltas,
  gauge,
  logCounters,
  packLines,
  statsdPrefix,
  timer,
} from './statsd-lines.ts';
import { openStatsdSocket } from './statsd-socket.ts';

export const FLUSH_MS = 1000;
/** A gauge that did not change is sent again this often, for a statsd that restarted. */
const GAUGE_REPEAT_MS = 10_000;
/** Bounds the timer lines kept between flushes (200 per heartbeat per worker at most). */
const MAX_PENDING_TIMERS = 20_000;
const WORKER_KEY = /^worker-\d+$/;

export async function startStatsd(context: ObservePartContext): Promise<RunningPart> {
  const { observation, settings, log } = context;
  const socket = await openStatsdSocket(settings.statsdHost ?? '', { log });
  const prefix = statsdPrefix(settings.statsdPrefix);
  const counts = createCountDeltas();
  const logCounts = new Map<string, number>();
  let timers: string[] = [];
  let gaugeSent: { value: number; at: number } | undefined;

  const untap = observation.tap((event) => {
    const samples = durationSamples(event);
    if (samples === undefined) return;
    for (const ms of samples.ms) {
      if (timers.length < MAX_PENDING_TIMERS)
        timers.push(timer(prefix, 'request.duration', ms, samples.rate));
    }
  });
  const unfollow = observation.onEmitted((event) => {
    for (const name of logCounters(event)) logCounts.set(name, (logCounts.get(name) ?? 0) + 1);
  });

  function workersGauge(count: number): string[] {
    const at = Date.now();
    if (gaugeSent?.value === count && at - gaugeSent.at < GAUGE_REPEAT_MS) return [];
    gaugeSent = { value: count, at };
    return [gauge(prefix, 'workers', count)];
  }

  function flush(): void {
    const view = observation.view();
    const lines = [
      ...workersGauge(view.workers.length),
      ...countLines(prefix, counts.take(view)),
      ...[...logCounts].map(([name, count]) => counter(prefix, name, count)),
      ...timers,
    ];
    logCounts.clear();
    timers = [];
    for (const datagram of packLines(lines)) socket.send(datagram);
  }

  const interval = setInterval(flush, FLUSH_MS);
  interval.unref();
  log.info(`Sending statsd metrics to ${socket.address} every ${FLUSH_MS / 1000} s`);
  return {
    async stop() {
      clearInterval(interval);
      untap();
      unfollow();
      flush();
      await socket.close();
    },
  };
}

/** A worker actor's heartbeat that brought durations sampled since its previous one. */
function durationSamples(event: InspectionEvent): { ms: number[]; rate: number } | undefined {
  if (event.type !== '@xstate.event') return undefined;
  if (!WORKER_KEY.test((event.actorRef as AnyActorRef).id)) return undefined;
  const sent = event.event as { type: string; stats?: unknown };
  if (sent.type !== 'ipc.heartbeat' || !isWorkerStats(sent.stats)) return undefined;
  const ms = sent.stats.durationSamplesMs;
  if (ms === undefined || ms.length === 0) return undefined;
  return { ms, rate: sent.stats.sampleRate ?? 1 };
}
