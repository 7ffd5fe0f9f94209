/**
 * What watching costs: corral serving bench/app/hello.js with and without the status page and
 * Prometheus metrics on (so the workers count every request and send the counts with their
 * heartbeats, and the master folds them into its live view), in interleaved rounds. While the
 * watched server is measured, a client follows its status page's event stream (as an open
 * page does) and Prometheus scrapes it every 5 s. The bar: throughput within 3% (a
 * ratio of 0.97 or better).
 *
 *   node --import tsx bench/observability-cost.ts [--rounds 10] [--duration 3] [--connections 64]
 */
import { fileURLToPath } from 'node:url';
import { featureCostArgs, measureFeatureCost } from './lib/feature-cost.ts';
import type { RunningServer } from './lib/server.ts';

const { load } = featureCostArgs();

const root = fileURLToPath(new URL('..', import.meta.url));
const app = fileURLToPath(new URL('./app/hello.js', import.meta.url));
const base = ['bin/corral.js', app, '-w', String(load.workers), '-b', '127.0.0.1:0'];
const watched = [...base, '--status-bind', '127.0.0.1:0', '--metrics-bind', '127.0.0.1:0'];

/** An open status page and a Prometheus server, for the watched server only. */
async function watch(server: RunningServer): Promise<() => void> {
  const log = server.logSinceMark().join('\n');
  const status = /Status page at: (http:\/\/\S+)/.exec(log)?.[1];
  const metrics = /Metrics at: (http:\/\/\S+)/.exec(log)?.[1];
  if (status === undefined || metrics === undefined) return () => undefined;
  const page = new AbortController();
  const events = await fetch(`${status}events`, { signal: page.signal });
  void (async () => {
    try {
      for await (const _chunk of events.body ?? []) {
        // a page reads every push
      }
    } catch {
      // aborted at the end
    }
  })();
  const scrape = setInterval(() => void fetch(metrics).then((r) => r.text()), 5000);
  return () => {
    clearInterval(scrape);
    page.abort();
  };
}

await measureFeatureCost({
  root,
  without: { name: 'not watched', args: base },
  with: { name: 'status + metrics', args: watched },
  alongside: watch,
  ...load,
});
