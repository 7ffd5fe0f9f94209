import test from 'ava';
import { settle, startArbiter, timings, type HarnessOptions } from './arbiter-harness.ts';

const running = (stage: string) => ({ serving: { running: stage } });

/** `workers` serving and `standby` standbys held, the ones after the serving workers. */
function withHeldStandbys(workers: number, standby: number, options: HarnessOptions = {}) {
  const a = startArbiter(workers, { ...options, standby });
  a.readyAll();
  a.readyAll();
  return a;
}

/** Worker processes the arbiter has now: every entry, stopping ones included, until it exits. */
const processes = (a: ReturnType<typeof startArbiter>) => Object.keys(a.context().workers).length;

test('standbys boot only once the serving workers are ready, and are held, not counted', (t) => {
  const a = startArbiter(2, { standby: 1 });
  t.is(a.fakes.all().length, 2, 'the serving workers boot first, alone');
  a.readyAll();
  t.like(a.ofType('arbiter.ready')[0], { workers: 2 });
  t.is(a.fakes.all().length, 3);
  t.true(a.fakes.get(3).standby, 'the third is forked as a standby');
  t.like(a.ofType('worker.spawned')[2], { workerId: 3, standby: true });
  t.deepEqual(a.value(), running('standbyWarming'));
  a.fakes.ready(3);
  t.deepEqual(a.value(), running('standbyHeld'));
  t.like(a.context().workers['worker-3'], { phase: 'standby', standby: true });
  t.like(a.ofType('worker.standby')[0], { workerId: 3, pid: 1003 });
  t.deepEqual(a.actor.system.get('worker-3')?.getSnapshot().value, { standby: 'held' });
  t.is(a.ofType('worker.ready').length, 2, 'a held standby is not a ready worker');
});

test('a serving worker that dies is replaced by promoting a standby; a new standby boots after', (t) => {
  const a = withHeldStandbys(1, 1);
  a.fakes.exit(1, null, 'SIGKILL');
  t.true(a.fakes.get(2).promoted, 'the standby is told to serve at once');
  t.is(a.fakes.all().length, 2, 'nothing is forked while the standby is promoted');
  t.deepEqual(a.value(), running('promoting'));
  t.like(a.ofType('worker.promoted')[0], { workerId: 2, pid: 1002, inPlaceOf: 1 });
  t.deepEqual(a.actor.system.get('worker-2')?.getSnapshot().value, { standby: 'promoting' });
  a.fakes.ready(2);
  t.like(a.context().workers['worker-2'], { phase: 'ready', standby: false });
  t.like(a.ofType('worker.ready')[1], { workerId: 2 });
  t.is(a.fakes.all().length, 3, 'a new standby boots once the promoted one serves');
  t.true(a.fakes.get(3).standby);
  t.deepEqual(a.value(), running('standbyWarming'));
  a.fakes.ready(3);
  t.deepEqual(a.value(), running('standbyHeld'));
});

test('a crash while the standby is still booting waits for it instead of forking anew', (t) => {
  const a = startArbiter(1, { standby: 1 });
  a.readyAll();
  a.fakes.exit(1, 1);
  t.is(a.fakes.all().length, 2, 'no new fork: the booting standby is nearer to serving');
  a.fakes.ready(2);
  t.true(a.fakes.get(2).promoted, 'promoted as soon as it is held');
  t.like(a.ofType('worker.promoted')[0], { workerId: 2, inPlaceOf: null });
  a.fakes.ready(2);
  t.is(a.ofType('worker.ready').length, 2);
  t.true(a.fakes.get(3).standby, 'then the next standby boots');
});

test('TTIN promotes a standby before it forks', (t) => {
  const a = withHeldStandbys(1, 1);
  a.actor.send({ type: 'signal.ttin' });
  t.is(a.context().target, 2);
  t.true(a.fakes.get(2).promoted);
  t.is(a.fakes.all().length, 2);
  t.like(a.ofType('worker.promoted')[0], { workerId: 2, inPlaceOf: null });
  a.fakes.ready(2);
  t.true(a.fakes.get(3).standby, 'the pool is refilled for the new count');
  t.is(a.liveWorkers().length, 3);
});

test('a recycle promotes a standby, and the recycled worker retires once it serves', (t) => {
  const a = withHeldStandbys(2, 1);
  a.fakes.get(1).send({ type: 'ipc.recycle', reason: 'max-requests', detail: 'served 100' });
  t.true(a.fakes.get(3).promoted);
  t.like(a.ofType('worker.promoted')[0], { workerId: 3, inPlaceOf: 1 });
  t.deepEqual(a.fakes.get(1).signals, [], 'the recycled worker serves until then');
  a.fakes.ready(3);
  t.deepEqual(a.fakes.get(1).signals, ['SIGTERM']);
  t.like(a.ofType('worker.exited')[0], { workerId: 1, retiredFor: 'recycle' });
  t.true(a.fakes.get(4).standby, 'a new standby once the recycled worker is gone');
});

test('HUP retires the old standbys; the new generation gets its own after its workers', async (t) => {
  const a = withHeldStandbys(2, 1);
  // Old workers drain until the spec ends them, so the order is visible.
  a.fakes.setBehaviour(() => 'ignore');
  a.actor.send({ type: 'signal.hup' });
  await settle();
  t.deepEqual(a.fakes.get(3).signals, ['SIGTERM'], 'the old standby is retired at once');
  t.false(a.fakes.get(3).promoted, 'and never promoted');
  a.fakes.exit(3, 0);
  t.like(a.ofType('worker.exited')[0], { workerId: 3, standby: true, retiredFor: 'reload' });
  a.fakes.ready(4);
  a.fakes.ready(5);
  t.deepEqual(a.value(), running('standbyWarming'));
  t.is(a.fakes.all().length, 5, 'no standby while the old workers still drain');
  a.fakes.exit(1, 0);
  t.is(a.fakes.all().length, 5, 'nor while one of them does');
  a.fakes.exit(2, 0);
  t.is(a.fakes.all().length, 6);
  t.like(a.context().workers['worker-6'], { standby: true, generation: 2 });
  t.like(a.ofType('reload.done')[0], { generation: 2, workers: 2 });
});

test('worker processes never outnumber workers + standby, but for a reload swap', async (t) => {
  const a = withHeldStandbys(2, 2);
  const over: string[] = [];
  let swapSeen = 0;
  a.actor.subscribe((snapshot) => {
    const { context } = snapshot;
    const entries = Object.values(context.workers);
    // The swap lasts from HUP until the last old worker has exited.
    const swapping =
      context.rollbackGeneration !== null ||
      entries.some((w) => w.generation !== context.generation);
    // During it, the old generation (workers and standbys) beside the new workers.
    const bound = context.target + context.standby + (swapping ? context.target : 0);
    if (swapping) swapSeen = Math.max(swapSeen, entries.length);
    if (entries.length > bound) over.push(`${entries.length} > ${bound}`);
  });
  t.is(processes(a), 4);
  a.fakes.exit(1, null, 'SIGKILL');
  a.readyAll();
  a.fakes.get(2).send({ type: 'ipc.recycle', reason: 'memory', detail: 'over 512 MiB' });
  a.readyAll();
  a.readyAll();
  a.actor.send({ type: 'signal.ttin' });
  a.readyAll();
  a.readyAll();
  a.fakes.setBehaviour(() => 'ignore');
  a.actor.send({ type: 'signal.hup' });
  await settle();
  a.readyAll();
  for (const fake of a.fakes.alive()) if (fake.signals.length > 0) a.fakes.exit(fake.workerId, 0);
  a.readyAll();
  t.true(a.ofType('worker.promoted').length >= 3, 'crash, recycle and TTIN each promoted');
  t.deepEqual(over, []);
  t.true(swapSeen > 3 + 2, 'the swap did run old and new side by side');
  t.is(processes(a), 3 + 2, 'the TTIN count, and the standbys again');
  t.deepEqual(a.value(), running('standbyHeld'));
});

test('a standby that fails to boot never halts the master; none is kept until a reload', async (t) => {
  const a = startArbiter(1, { standby: 1 });
  a.readyAll();
  a.fakes.get(2).send({ type: 'ipc.boot-failed', exitCode: 3, reason: 'SyntaxError in app.js' });
  a.fakes.exit(2, 3);
  t.is(a.actor.getSnapshot().status, 'active');
  t.like(a.ofType('worker.exited')[0], { workerId: 2, cause: 'boot-failed', standby: true });
  t.like(a.ofType('standby.suspended')[0], { generation: 1, workerId: 2 });
  t.deepEqual(a.value(), running('noStandby'));
  t.is(a.fakes.all().length, 2, 'no standby is tried again');
  t.is(a.context().restarts.recent, 0, 'nor is it counted as a crash');
  a.fakes.exit(1, null, 'SIGKILL');
  t.false(a.fakes.get(3).standby, 'a crashed worker is replaced by a fork, as without standby');
  a.fakes.ready(3);
  a.actor.send({ type: 'signal.hup' });
  await settle();
  a.readyAll();
  t.true(a.fakes.get(5).standby, 'the next generation tries again');
});

test('a standby stuck booting past boot-timeout is handled as a failed standby boot', (t) => {
  const a = startArbiter(1, { standby: 1, timings: { timeoutMs: 0 } });
  a.readyAll();
  a.clock.increment(timings.bootTimeoutMs);
  t.deepEqual(a.fakes.get(2).signals, ['SIGABRT']);
  a.clock.increment(timings.abortGraceMs);
  t.like(a.ofType('worker.exited')[0], { workerId: 2, cause: 'boot-timeout' });
  t.is(a.ofType('standby.suspended').length, 1);
  t.is(a.actor.getSnapshot().status, 'active');
});

test('a held standby whose heartbeats stop is killed and replaced like a crashed worker', (t) => {
  const a = withHeldStandbys(1, 1, { timings: { timeoutMs: 5_000 } });
  a.clock.increment(3_000);
  a.fakes.heartbeat(1);
  a.fakes.heartbeat(2);
  a.clock.increment(3_000);
  a.fakes.heartbeat(1);
  t.deepEqual(a.fakes.get(2).signals, [], 'a beating standby is left alone');
  a.clock.increment(2_000);
  a.fakes.heartbeat(1);
  t.deepEqual(a.fakes.get(2).signals, ['SIGABRT']);
  t.like(a.ofType('worker.timeout')[0], { workerId: 2, phase: 'heartbeat' });
  a.clock.increment(timings.abortGraceMs);
  t.like(a.ofType('worker.exited')[0], { workerId: 2, cause: 'timeout', standby: true });
  t.is(a.context().restarts.recent, 1, 'it counts against the restart budget');
  t.true(a.fakes.get(3).standby, 'and a new standby takes its place');
  t.deepEqual(a.fakes.get(1).signals, []);
});

test('WINCH retires the standbys with the workers, and a stop stops them too', (t) => {
  const a = withHeldStandbys(1, 1);
  a.actor.send({ type: 'signal.winch' });
  t.deepEqual(a.fakes.get(2).signals, ['SIGTERM']);
  t.deepEqual(a.value(), running('noStandby'));
  const b = withHeldStandbys(1, 1);
  b.actor.send({ type: 'signal.term' });
  t.deepEqual(b.fakes.get(2).signals, ['SIGTERM']);
  t.is(b.actor.getSnapshot().status, 'done');
  t.like(
    b.ofType('worker.exited').find((e) => e.workerId === 2),
    { standby: true },
  );
});

test('standbys that keep crashing use up the budget, then the pool stops: never the master', (t) => {
  const policy = { intensity: 1, periodMs: 10_000, backoffMaxMs: 1_000 };
  const a = withHeldStandbys(1, 1, { policy });
  for (let round = 0; round < 20 && a.ofType('standby.suspended').length === 0; round += 1) {
    const held = a.fakes.alive().find((f) => f.standby);
    if (held === undefined) {
      a.clock.increment(2 * policy.backoffMaxMs);
      continue;
    }
    a.fakes.ready(held.workerId);
    a.fakes.exit(held.workerId, 1);
  }
  t.like(a.ofType('standby.suspended')[0], { because: 'crashes', generation: 1 });
  t.true(a.ofType('restart.delayed').length > 0, 'the restart budget was used first');
  t.is(a.actor.getSnapshot().status, 'active');
  t.deepEqual(a.value(), running('noStandby'));
  t.deepEqual(a.fakes.get(1).signals, [], 'the serving worker was never touched');
});
