/**
 * statsd's wire format for Gunicorn's metric names, and the arithmetic that turns the workers'
 * cumulative counts into the deltas a statsd counter wants. Pure: no sockets, no clocks.
 *
 * @example
 * const prefix = statsdPrefix('myapp'); // 'myapp.'
 * const counts = createCountDeltas();
 * const lines = countLines(prefix, counts.take(observation.view()));
 * for (const datagram of packLines(lines)) send(datagram);
 */
import type { ArbiterEmitted } from '../../../machines/arbiter-machine.ts';
import type { WorkerStats } from '../../../protocol/worker-stats.ts';
import { describe } from '../../supervision-log.ts';
import type { ObservedView } from '../observation.ts';

/** Under the common 1432-byte payload limit of UDP on the internet, with room to spare. */
export const MAX_DATAGRAM_BYTES = 1400;

/** Gunicorn's statsd counts `critical`, `error` and `warning` log lines; tslog says fatal, warn. */
const LOG_COUNTERS: Partial<Record<string, string>> = {
  fatal: 'log.critical',
  error: 'log.error',
  warn: 'log.warning',
};

export interface CountDelta {
  requests: number;
  byStatus: Record<string, number>;
}

/**
 * The prefix as every name gets it: `myapp` and `myapp.` both give `myapp.`, empty stays empty.
 *
 * @example
 * statsdPrefix('myapp'); // 'myapp.'
 */
export function statsdPrefix(setting: string): string {
  return setting === '' || setting.endsWith('.') ? setting : `${setting}.`;
}

/**
 * Remembers what has been sent and gives what is new since. The total is every live worker's
 * latest stats plus the retired ones' (an exited worker's last stats move from its row into
 * `totals.retired` in the same step), so it never goes back when a worker goes away.
 */
export function createCountDeltas() {
  const sent: CountDelta = { requests: 0, byStatus: {} };
  return {
    take(view: ObservedView): CountDelta {
      const now = totalOf(view);
      const delta: CountDelta = {
        requests: Math.max(0, now.requests - sent.requests),
        byStatus: {},
      };
      sent.requests = Math.max(sent.requests, now.requests);
      for (const [code, count] of Object.entries(now.byStatus)) {
        const before = sent.byStatus[code] ?? 0;
        if (count > before) delta.byStatus[code] = count - before;
        sent.byStatus[code] = Math.max(before, count);
      }
      return delta;
    },
  };
}

function totalOf(view: ObservedView): CountDelta {
  const sum: CountDelta = { requests: 0, byStatus: {} };
  const add = (stats: WorkerStats) => {
    sum.requests += stats.requests;
    for (const [code, count] of Object.entries(stats.byStatus)) {
      sum.byStatus[code] = (sum.byStatus[code] ?? 0) + count;
    }
  };
  add(view.totals.retired);
  for (const worker of view.workers) if (worker.stats !== null) add(worker.stats);
  return sum;
}

/** `requests` and `request.status.<code>` counter lines; nothing for what did not change. */
export function countLines(prefix: string, delta: CountDelta): string[] {
  const lines = delta.requests > 0 ? [counter(prefix, 'requests', delta.requests)] : [];
  for (const [code, count] of Object.entries(delta.byStatus)) {
    lines.push(counter(prefix, `request.status.${code}`, count));
  }
  return lines;
}

/**
 * The `log.*` counter each of the event's log lines adds to, as the supervision log words it.
 *
 * @example
 * logCounters(exitedBySigkill); // ['log.error']
 */
export function logCounters(event: ArbiterEmitted): string[] {
  return describe(event).flatMap(([level]) => LOG_COUNTERS[level] ?? []);
}

export function counter(prefix: string, name: string, value: number): string {
  return `${prefix}${name}:${value}|c`;
}

export function gauge(prefix: string, name: string, value: number): string {
  return `${prefix}${name}:${value}|g`;
}

/** A timer in milliseconds; `|@rate` says it stands for 1/rate of the durations. */
export function timer(prefix: string, name: string, ms: number, rate = 1): string {
  const sampled = rate > 0 && rate < 1 ? `|@${Number(rate.toPrecision(3))}` : '';
  return `${prefix}${name}:${ms}|ms${sampled}`;
}

/**
 * Lines joined by newlines into as few datagrams as fit under `maxBytes` each (statsd reads
 * several metrics per packet this way); a line too long alone goes in a datagram of its own.
 */
export function packLines(lines: readonly string[], maxBytes = MAX_DATAGRAM_BYTES): Buffer[] {
  const datagrams: Buffer[] = [];
  let current = '';
  for (const line of lines) {
    const joined = current === '' ? line : `${current}\n${line}`;
    if (current !== '' && Buffer.byteLength(joined) > maxBytes) {
      datagrams.push(Buffer.from(current));
      current = line;
    } else current = joined;
  }
  if (current !== '') datagrams.push(Buffer.from(current));
  return datagrams;
}
