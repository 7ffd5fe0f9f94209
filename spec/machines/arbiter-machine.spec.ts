import test from 'ava';
import { startArbiter, timings } from './arbiter-harness.ts';
import { stubborn } from './fake-processes.ts';

test('boots the target number of workers and is ready only when all of them report ready', (t) => {
  const a = startArbiter(2);
  t.is(a.fakes.all().length, 2);
  t.deepEqual(a.value(), { serving: 'booting' });
  a.fakes.ready(1);
  t.deepEqual(a.value(), { serving: 'booting' }, 'one ready worker of two is not ready');
  a.fakes.ready(2);
  t.deepEqual(a.value(), { serving: { running: 'noStandby' } });
  t.like(a.ofType('arbiter.ready')[0], { workers: 2 });
  t.is(
    a.actor.system.get('worker-1')?.id,
    'worker-1',
    'workers are addressable by a stable systemId',
  );
});

test('TTIN adds a worker and TTOU retires the oldest serving one, never going below one', (t) => {
  const a = startArbiter(2);
  a.readyAll();
  a.actor.send({ type: 'signal.ttin' });
  t.is(a.fakes.all().length, 3);
  t.is(a.context().target, 3);
  a.fakes.ready(3);

  a.actor.send({ type: 'signal.ttou' });
  t.deepEqual(a.fakes.get(1).signals, ['SIGTERM'], 'the oldest worker is retired gracefully');
  t.deepEqual(a.fakes.get(3).signals, []);
  t.is(a.context().target, 2);

  a.actor.send({ type: 'signal.ttou' });
  a.actor.send({ type: 'signal.ttou' });
  a.actor.send({ type: 'signal.ttou' });
  t.is(a.context().target, 1);
  t.is(a.liveWorkers().length, 1);
  t.is(a.fakes.alive().length, 1, 'retired workers exited and no replacement was started');
  t.deepEqual(
    a.ofType('workers.changed').map((e) => [e.previous, e.target]),
    [
      [2, 3],
      [3, 2],
      [2, 1],
    ],
  );
});

test('a worker that exits unexpectedly is replaced and its exit is reported as a crash', (t) => {
  const a = startArbiter(2);
  a.readyAll();
  a.fakes.exit(1, 1);
  t.like(a.ofType('worker.exited')[0], { workerId: 1, pid: 1001, code: 1, cause: 'crashed' });
  t.is(a.fakes.all().length, 3, 'a replacement was spawned');
  t.is(a.fakes.get(3).alive, true);
  t.is(a.liveWorkers().length, 2);
});

test('a SIGKILL that corral did not send is told apart from a crash', (t) => {
  const a = startArbiter(1);
  a.readyAll();
  a.fakes.exit(1, null, 'SIGKILL');
  t.like(a.ofType('worker.exited')[0], { workerId: 1, cause: 'killed', signal: 'SIGKILL' });
});

test('a worker silent for timeout gets SIGABRT, then SIGKILL after the grace, and is replaced', (t) => {
  const a = startArbiter(1);
  a.readyAll();
  a.clock.increment(timings.timeoutMs - 1);
  a.fakes.heartbeat(1);
  a.clock.increment(timings.timeoutMs - 1);
  t.deepEqual(a.fakes.get(1).signals, [], 'each heartbeat restarts the timeout');
  a.clock.increment(1);
  t.deepEqual(a.fakes.get(1).signals, ['SIGABRT']);
  t.like(a.ofType('worker.timeout')[0], {
    workerId: 1,
    pid: 1001,
    phase: 'heartbeat',
    silentMs: timings.timeoutMs,
  });
  a.clock.increment(timings.abortGraceMs);
  t.deepEqual(a.fakes.get(1).signals, ['SIGABRT', 'SIGKILL']);
  t.like(a.ofType('worker.exited')[0], { workerId: 1, cause: 'timeout', signal: 'SIGKILL' });
  t.is(a.fakes.all().length, 2, 'a replacement was spawned');
});

test('a timeout that expires while the master itself was paused waits once more', (t) => {
  let paused = true;
  const a = startArbiter(1, { masterWasPaused: () => paused });
  a.readyAll();
  a.clock.increment(timings.timeoutMs);
  t.deepEqual(a.fakes.get(1).signals, [], 'the silence was the master’s');
  paused = false;
  // The heartbeats that came while it was stopped are read now: the worker is healthy.
  a.fakes.heartbeat(1);
  a.clock.increment(timings.timeoutMs - 1);
  t.deepEqual(a.fakes.get(1).signals, []);
  // A worker that really is silent is still killed, one timeout later.
  a.clock.increment(1);
  t.deepEqual(a.fakes.get(1).signals, ['SIGABRT']);
});

test('boot-timeout 0 turns the boot check off', (t) => {
  const a = startArbiter(1, { timings: { bootTimeoutMs: 0 } });
  a.clock.increment(10 * timings.gracefulTimeoutMs);
  t.deepEqual(a.fakes.get(1).signals, []);
  t.deepEqual(a.value(), { serving: 'booting' });
});

test('timeout 0 turns the heartbeat check off', (t) => {
  const a = startArbiter(1, { timings: { timeoutMs: 0 } });
  a.readyAll();
  a.clock.increment(10 * timings.gracefulTimeoutMs);
  t.deepEqual(a.fakes.get(1).signals, []);
});

test('a worker that does not report ready within boot-timeout is killed and halts the master with exit 3', (t) => {
  const a = startArbiter(2);
  a.fakes.ready(1);
  a.fakes.get(2).send({ type: 'ipc.booted' });
  a.clock.increment(timings.bootTimeoutMs - 1);
  t.deepEqual(a.fakes.get(2).signals, []);
  a.fakes.heartbeat(1);
  a.clock.increment(1);
  t.deepEqual(a.fakes.get(2).signals, ['SIGABRT']);
  t.like(a.ofType('worker.timeout')[0], { workerId: 2, phase: 'boot' });
  a.clock.increment(timings.abortGraceMs);
  t.deepEqual(a.fakes.get(2).signals, ['SIGABRT', 'SIGKILL']);
  t.deepEqual(a.fakes.get(1).signals, ['SIGQUIT'], 'the other workers are stopped');
  t.is(a.actor.getSnapshot().status, 'done');
  t.like(a.actor.getSnapshot().output, { exitCode: 3 });
  t.regex(
    a.actor.getSnapshot().output?.reason ?? '',
    /did not become ready within 30 s \(boot-timeout\)/,
  );
});

for (const exitCode of [3, 4] as const) {
  test(`a worker that fails to boot with code ${exitCode} halts the master with exit ${exitCode} and its reason`, (t) => {
    const a = startArbiter(2);
    const reason = `cannot load /srv/app.js: the reason ${exitCode}`;
    a.fakes.get(1).send({ type: 'ipc.boot-failed', exitCode, reason });
    a.fakes.exit(1, exitCode);
    t.deepEqual(a.fakes.get(2).signals, ['SIGQUIT']);
    t.is(a.fakes.all().length, 2, 'no replacement is spawned for a boot failure');
    const output = a.actor.getSnapshot().output;
    t.is(output?.exitCode, exitCode);
    t.true(output?.reason.includes(reason));
    t.like(a.ofType('arbiter.halted')[0], { exitCode });
  });
}

test('exit code 3 before ready counts as a boot failure even without a message', (t) => {
  const a = startArbiter(1);
  a.fakes.exit(1, 3);
  t.like(a.actor.getSnapshot().output, { exitCode: 3 });
});

test('exit code 3 after ready is an ordinary crash and the worker is replaced', (t) => {
  const a = startArbiter(1);
  a.readyAll();
  a.fakes.exit(1, 3);
  t.is(a.actor.getSnapshot().status, 'active');
  t.like(a.ofType('worker.exited')[0], { cause: 'crashed' });
  t.is(a.fakes.all().length, 2);
});

test('TERM stops gracefully: SIGTERM to every worker, SIGKILL after graceful-timeout, exit 0', (t) => {
  const a = startArbiter(2, { behaviour: stubborn });
  a.readyAll();
  a.actor.send({ type: 'signal.term' });
  t.is(a.value(), 'stopping');
  t.deepEqual(a.fakes.get(1).signals, ['SIGTERM']);
  t.deepEqual(a.fakes.get(2).signals, ['SIGTERM']);
  a.clock.increment(timings.gracefulTimeoutMs - 1);
  t.is(a.value(), 'stopping');
  a.clock.increment(1);
  t.deepEqual(a.fakes.get(1).signals, ['SIGTERM', 'SIGKILL']);
  t.is(a.actor.getSnapshot().status, 'done');
  t.deepEqual(a.actor.getSnapshot().output, { exitCode: 0, reason: 'stopped on request' });
  t.like(
    a.ofType('worker.exited')[0],
    { cause: 'stopped', overranGraceMs: timings.gracefulTimeoutMs },
    'a kill at the end of a stop is still a stop, one that overran its grace',
  );
});

test('TERM with cooperative workers halts as soon as they have exited', (t) => {
  const a = startArbiter(3);
  a.readyAll();
  a.actor.send({ type: 'signal.term' });
  t.is(a.actor.getSnapshot().status, 'done');
  t.false('overranGraceMs' in a.ofType('worker.exited')[0]!, 'they stopped within the grace');
  t.is(a.fakes.alive().length, 0);
  t.like(a.ofType('arbiter.stopping')[0], { mode: 'graceful' });
});

for (const signal of ['int', 'quit'] as const) {
  test(`${signal.toUpperCase()} stops quickly with SIGQUIT and the same bound`, (t) => {
    const a = startArbiter(2, { behaviour: stubborn });
    a.readyAll();
    a.actor.send({ type: `signal.${signal}` });
    t.deepEqual(a.fakes.get(1).signals, ['SIGQUIT']);
    a.clock.increment(timings.gracefulTimeoutMs);
    t.deepEqual(a.fakes.get(1).signals, ['SIGQUIT', 'SIGKILL']);
    t.like(a.actor.getSnapshot().output, { exitCode: 0 });
  });
}

test('INT during a graceful stop escalates to a quick stop', (t) => {
  const a = startArbiter(1, { behaviour: stubborn });
  a.readyAll();
  a.actor.send({ type: 'signal.term' });
  a.actor.send({ type: 'signal.int' });
  t.deepEqual(a.fakes.get(1).signals, ['SIGTERM', 'SIGQUIT']);
  t.like(a.ofType('arbiter.stopping')[0], { mode: 'graceful' });
});

test('a burst of 50 TTIN/TTOU leaves the worker count right', (t) => {
  const a = startArbiter(2);
  a.readyAll();
  for (let i = 0; i < 25; i += 1) {
    a.actor.send({ type: 'signal.ttin' });
    a.actor.send({ type: 'signal.ttou' });
  }
  t.is(a.context().target, 2);
  t.is(a.liveWorkers().length, 2);
  t.is(a.fakes.alive().length, 2);
  t.deepEqual(a.fakes.get(1).signals, [], 'serving workers were not churned');
  t.deepEqual(a.fakes.get(2).signals, []);
  for (let i = 0; i < 50; i += 1) a.actor.send({ type: 'signal.ttin' });
  t.is(a.fakes.alive().length, 52);
  for (let i = 0; i < 60; i += 1) a.actor.send({ type: 'signal.ttou' });
  t.is(a.context().target, 1);
  t.is(a.fakes.alive().length, 1);
  t.is(a.actor.getSnapshot().status, 'active');
});

test('USR1 is reported for the log reopen outside the machine, and signals no worker', (t) => {
  const a = startArbiter(1);
  a.readyAll();
  a.actor.send({ type: 'signal.usr1' });
  t.like(a.ofType('arbiter.signal').at(-1), { signal: 'usr1', handled: true });
  t.deepEqual(a.fakes.get(1).signals, []);
});

test('an embedding program can stop the arbiter without a signal', (t) => {
  const a = startArbiter(1);
  a.readyAll();
  a.actor.send({ type: 'arbiter.stop', mode: 'graceful' });
  t.deepEqual(a.fakes.get(1).signals, ['SIGTERM']);
  t.is(a.actor.getSnapshot().status, 'done');
});

test('the snapshot is plain data that survives JSON', (t) => {
  const a = startArbiter(2);
  a.readyAll();
  const persisted = a.actor.getPersistedSnapshot() as unknown as { context: unknown };
  t.deepEqual(JSON.parse(JSON.stringify(persisted.context)), persisted.context);
});
