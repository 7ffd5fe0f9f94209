/**
 * What watching costs: corral serving bench/app/hello.js with and without the status page and
 * Prometheus metrics on (so the workers count every request and send the counts with their
 * heartbeats, and the master folds them into its live view), in interleaved rounds. The issue's
 * bar: throughput within 3% (a ratio of 0.97 or better).
 *
 *   node --import tsx bench/observability-cost.ts [--rounds 10] [--duration 3] [--connections 64]
 */
import { fileURLToPath } from 'node:url';
import { featureCostArgs, measureFeatureCost } from './lib/feature-cost.ts';

const { load } = featureCostArgs();

const root = fileURLToPath(new URL('..', import.meta.url));
const app = fileURLToPath(new URL('./app/hello.js', import.meta.url));
const base = ['bin/corral.js', app, '-w', String(load.workers), '-b', '127.0.0.1:0'];
const watched = [...base, '--status-bind', '127.0.0.1:0', '--metrics-bind', '127.0.0.1:0'];

await measureFeatureCost({
  root,
  without: { name: 'not watched', args: base },
  with: { name: 'status + metrics', args: watched },
  ...load,
});
