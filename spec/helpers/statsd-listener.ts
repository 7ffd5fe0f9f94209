/**
 * A real statsd listener for specs: a UDP socket on 127.0.0.1, port 0, that keeps every line it
 * receives (a datagram may carry several, newline-separated) and parses them as statsd does.
 * Closed in teardown.
 *
 * @example
 * const statsd = await listenStatsd(t);
 * await statsd.waitUntil(() => statsd.sum('myapp.requests') === 5, 'five requests counted');
 */
import { createSocket } from 'node:dgram';
import type { ExecutionContext } from 'ava';
import { waitUntil } from './wait.ts';

/** `name:value|type` with an optional `|@rate`: statsd's line, as Gunicorn sends it. */
export const STATSD_LINE = /^([A-Za-z0-9_.-]+):(\d+(?:\.\d+)?)\|(c|ms|g)(?:\|@(0?\.\d+|1))?$/;

export interface StatsdLine {
  name: string;
  value: number;
  type: 'c' | 'ms' | 'g';
  rate: number | undefined;
}

export interface StatsdListener {
  port: number;
  /** Every line received so far, as received. */
  lines(): string[];
  /** How many datagrams arrived. */
  datagrams(): Buffer[];
  /** The lines that parse, in order. */
  parsed(): StatsdLine[];
  /** The sum of a counter's values. */
  sum(name: string): number;
  /** The lines of one metric name. */
  named(name: string): StatsdLine[];
  waitUntil(condition: () => boolean, what: string): Promise<void>;
}

export function parseStatsdLine(line: string): StatsdLine | undefined {
  const match = STATSD_LINE.exec(line);
  if (match === null) return undefined;
  const [, name = '', value = '', type, rate] = match;
  return {
    name,
    value: Number(value),
    type: type as StatsdLine['type'],
    rate: rate === undefined ? undefined : Number(rate),
  };
}

export async function listenStatsd(t: ExecutionContext): Promise<StatsdListener> {
  const socket = createSocket('udp4');
  const datagrams: Buffer[] = [];
  const lines: string[] = [];
  socket.on('message', (message) => {
    datagrams.push(message);
    lines.push(...message.toString('utf8').split('\n'));
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  const parsed = () => lines.map(parseStatsdLine).filter((line) => line !== undefined);
  const named = (name: string) => parsed().filter((line) => line.name === name);
  return {
    port: socket.address().port,
    lines: () => [...lines],
    datagrams: () => [...datagrams],
    parsed,
    named,
    sum: (name) => named(name).reduce((sum, line) => sum + line.value, 0),
    waitUntil: (condition, what) => waitUntil(condition, what, 30_000),
  };
}
