/**
 * corral's own metrics, registered on a registry of their own. Every value is computed when
 * Prometheus scrapes, from the observation's view: nothing here asks a worker anything, so a
 * scrape never waits on one (a worker whose event loop is stuck shows an ageing heartbeat).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { WorkerPhase } from '../../../machines/plan-convergence.ts';
import type { WorkerExitCause } from '../../../machines/worker-types.ts';
import type { ObservedView } from '../observation.ts';
import type { RequestTotals } from './request-totals.ts';

const PHASES: readonly WorkerPhase[] = [
  'spawning',
  'booting',
  'standby',
  'promoting',
  'ready',
  'stopping',
];
const EXIT_CAUSES: readonly WorkerExitCause[] = [
  'stopped',
  'timeout',
  'boot-timeout',
  'boot-failed',
  'killed',
  'channel-closed',
  'crashed',
  'spawn-failed',
];

/** What one scrape reads: the view, and the request totals derived from it, computed once. */
export interface Scrape {
  view: ObservedView;
  requests: RequestTotals;
  now: number;
}

/**
 * Registers every corral metric on `registry`; `scrape()` gives the values of the scrape under
 * way.
 *
 * @example
 * registerCorralMetrics(registry, () => current);
 */
export function registerCorralMetrics(registry: Registry, scrape: () => Scrape): void {
  registerWorkerMetrics(registry, scrape);
  registerSupervisionCounters(registry, scrape);
  registerRequestMetrics(registry, scrape);
}

function registerWorkerMetrics(registry: Registry, scrape: () => Scrape): void {
  gauge(registry, 'corral_workers', 'Workers by the arbiter phase', ['phase'], (set) => {
    const { workers } = scrape().view;
    for (const phase of PHASES) set({ phase }, workers.filter((w) => w.phase === phase).length);
  });
  gauge(registry, 'corral_worker_states', 'Workers by worker machine state', ['state'], (set) => {
    const counts = new Map<string, number>();
    for (const w of scrape().view.workers) counts.set(w.state, (counts.get(w.state) ?? 0) + 1);
    for (const [state, count] of counts) set({ state }, count);
  });
  gauge(
    registry,
    'corral_workers_outgoing',
    'Workers being replaced (reload, recycle)',
    [],
    (set) => set({}, scrape().view.workers.filter((w) => w.outgoing !== null).length),
  );
  gauge(registry, 'corral_target_workers', 'How many workers the master aims for', [], (set) =>
    set({}, scrape().view.master.target),
  );
  gauge(registry, 'corral_generation', 'The settings generation (one more per reload)', [], (set) =>
    set({}, scrape().view.master.generation),
  );
  gauge(
    registry,
    'corral_worker_heartbeat_age_seconds',
    "Seconds since each worker's last heartbeat (since it was spawned, before the first)",
    ['worker'],
    (set) => {
      const { view, now } = scrape();
      for (const w of view.workers) {
        set({ worker: w.key }, Math.max(0, now - (w.lastHeartbeatAt ?? w.spawnedAt)) / 1000);
      }
    },
  );
}

function registerSupervisionCounters(registry: Registry, scrape: () => Scrape): void {
  counter(registry, 'corral_worker_restarts_total', 'Workers spawned to replace one', [], (add) =>
    add({}, scrape().view.totals.restarts),
  );
  counter(registry, 'corral_workers_spawned_total', 'Worker processes spawned', [], (add) =>
    add({}, scrape().view.totals.spawned),
  );
  counter(registry, 'corral_worker_exits_total', 'Worker exits by cause', ['cause'], (add) => {
    const { exitsByCause } = scrape().view.totals;
    for (const cause of EXIT_CAUSES) add({ cause }, exitsByCause[cause] ?? 0);
  });
  counter(registry, 'corral_reloads_total', 'Reloads by outcome', ['outcome'], (add) => {
    const { reloads } = scrape().view.totals;
    add({ outcome: 'done' }, reloads.done);
    add({ outcome: 'failed' }, reloads.failed);
  });
}

function registerRequestMetrics(registry: Registry, scrape: () => Scrape): void {
  counter(
    registry,
    'corral_http_requests_total',
    'Requests answered, by status class, over the live workers and those that exited',
    ['status_class'],
    (add) => {
      for (const [statusClass, count] of Object.entries(scrape().requests.byClass)) {
        add({ status_class: statusClass }, count);
      }
    },
  );
  gauge(registry, 'corral_http_requests_in_flight', 'Requests being served now', [], (set) =>
    set({}, scrape().requests.inFlight),
  );
}

type Labels = Record<string, string>;
type Fill = (put: (labels: Labels, value: number) => void) => void;

/** A gauge whose every series is set afresh at each scrape (a worker gone leaves no series). */
function gauge(registry: Registry, name: string, help: string, labels: string[], fill: Fill) {
  return new Gauge({
    name,
    help,
    labelNames: labels,
    registers: [registry],
    collect() {
      this.reset();
      fill((l, value) => this.set(l, value));
    },
  });
}

/** A counter read from totals that only grow, so it is monotonic across scrapes. */
function counter(registry: Registry, name: string, help: string, labels: string[], fill: Fill) {
  return new Counter({
    name,
    help,
    labelNames: labels,
    registers: [registry],
    collect() {
      this.reset();
      fill((l, value) => this.inc(l, value));
    },
  });
}
