/**
 * What watching costs: corral serving bench/app/hello.js with and without the status page and
 * Prometheus metrics on (so the workers count every request and send the counts with their
 * heartbeats, and the master folds them into its live view), in interleaved rounds. The issue's
 * bar: throughput within 3% (a ratio of 0.97 or better).
 *
 *   node --import tsx bench/observability-cost.ts [--rounds 10] [--duration 3] [--connections 64]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureFeatureCost } from './lib/feature-cost.ts';

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '10' },
    duration: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '64' },
    threads: { type: 'string', default: '2' },
    workers: { type: 'string', default: '2' },
  },
});

const root = fileURLToPath(new URL('..', import.meta.url));
const app = fileURLToPath(new URL('./app/hello.js', import.meta.url));
const base = ['bin/corral.js', app, '-w', opts.workers, '-b', '127.0.0.1:0'];
const watched = [...base, '--status-bind', '127.0.0.1:0', '--metrics-bind', '127.0.0.1:0'];

await measureFeatureCost({
  root,
  without: { name: 'not watched', args: base },
  with: { name: 'status + metrics', args: watched },
  rounds: Number(opts.rounds),
  durationS: Number(opts.duration),
  warmupS: Number(opts.warmup),
  connections: Number(opts.connections),
  threads: Number(opts.threads),
  workers: Number(opts.workers),
});
