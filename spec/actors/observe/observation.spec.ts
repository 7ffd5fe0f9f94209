import test from 'ava';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { createObservation } from '../../../actors/observe/observation.ts';
import { startArbiter } from '../../machines/arbiter-harness.ts';
import type { WorkerStats } from '../../../protocol/worker-stats.ts';

function observed(workers: number) {
  let now = 1_000;
  const observation = createObservation({ now: () => now });
  const harness = startArbiter(workers, {
    inspect: observation.inspect,
    beforeStart: (actor) => observation.attach(actor),
  });
  return { observation, harness, advance: (ms: number) => (now += ms) };
}

const stats = (requests: number): WorkerStats => ({
  requests,
  inFlight: 1,
  byStatus: { '200': requests },
  durationCounts: [requests],
  durationSumS: requests / 100,
});

test('a row per worker with its pid, generation and the worker machine state and its description', (t) => {
  const { observation, harness } = observed(2);
  harness.readyAll();
  const view = observation.view();
  t.is(view.workers.length, 2);
  t.deepEqual(
    view.workers.map((w) => [w.key, w.slot, w.phase, w.state, w.generation]),
    [
      ['worker-1', 1, 'ready', 'serving.watching', 1],
      ['worker-2', 2, 'ready', 'serving.watching', 1],
    ],
  );
  t.true(view.workers.every((w) => w.pid !== null && w.description.includes('heartbeat')));
  t.is(view.master.state, 'serving.running.noStandby');
  t.is(view.master.target, 2);
});

test('heartbeats stamp the row and bring its stats; an exit folds them into the retired totals', (t) => {
  const { observation, harness, advance } = observed(1);
  harness.readyAll();
  advance(500);
  harness.fakes.heartbeat(1, stats(7));
  const row = observation.view().workers[0]!;
  t.is(row.lastHeartbeatAt, 1_500);
  t.is(row.stats?.requests, 7);
  harness.fakes.exit(1, null, 'SIGKILL');
  const view = observation.view();
  t.is(view.totals.retired.requests, 7);
  t.is(view.totals.exitsByCause.killed, 1);
});

test('a replacement takes the slot of the worker it replaces, with the restart count and how it ended', (t) => {
  const { observation, harness } = observed(2);
  harness.readyAll();
  harness.fakes.exit(1, null, 'SIGKILL');
  const rows = observation.view().workers;
  const replacement = rows.find((w) => w.key === 'worker-3');
  t.is(replacement?.slot, 1);
  t.is(replacement?.restarts, 1);
  t.regex(replacement?.lastExit ?? '', /SIGKILL by something other than corral/);
  t.is(observation.view().totals.restarts, 1);
});

test('a recycled worker hands its slot to the replacement started before it retires', (t) => {
  const { observation, harness } = observed(1);
  harness.readyAll();
  harness.fakes.get(1).send({ type: 'ipc.recycle', reason: 'max-requests', detail: 'served 10' });
  harness.readyAll();
  harness.fakes.exit(1, 0);
  const rows = observation.view().workers;
  t.deepEqual(
    rows.map((w) => [w.key, w.slot, w.restarts]),
    [['worker-2', 1, 1]],
  );
  t.regex(rows[0]?.lastExit ?? '', /recycled/);
});

test('the lifecycle events keep the log words, the newest last, and change listeners are told', (t) => {
  const { observation, harness } = observed(1);
  const reasons: string[] = [];
  observation.onChange((reason) => reasons.push(reason));
  harness.readyAll();
  harness.actor.send({ type: 'signal.ttin' });
  const events = observation.view().events;
  t.true(events.some((e) => e.message === 'Handling signal: ttin'));
  t.is(events.at(-1)?.event, 'worker.spawned');
  t.true(reasons.includes('worker.spawned'));
});

test('every tap gets the events from before it started, then the live ones', (t) => {
  const observation = createObservation();
  const seen: Record<'first' | 'second', string[]> = { first: [], second: [] };
  const describeEvent = (event: InspectionEvent) =>
    `${event.type} ${(event.actorRef as AnyActorRef).id}`;
  const harness = startArbiter(1, {
    inspect: observation.inspect,
    beforeStart: (actor) => {
      observation.attach(actor);
      observation.tap((event) => seen.first.push(describeEvent(event)));
      observation.tap((event) => seen.second.push(describeEvent(event)));
    },
  });
  harness.readyAll();
  for (const tap of ['first', 'second'] as const) {
    t.true(
      seen[tap].some((line) => /^@xstate\.actor /.test(line)),
      `${tap}: the arbiter actor`,
    );
    t.true(seen[tap].includes('@xstate.actor worker-1'), `${tap}: the worker spawned later`);
  }
  t.deepEqual(seen.first, seen.second);
});
