import test from 'ava';
import { policy, settle, startArbiter, timings } from './arbiter-harness.ts';

const settingsWith = (workers: number) => ({ workers, timings, policy });

test('HUP starts a new generation and retires each old worker only when a new one is ready', async (t) => {
  const a = startArbiter(2);
  a.readyAll();
  a.actor.send({ type: 'signal.hup' });
  await settle();
  t.deepEqual(a.value(), { serving: { reloading: 'rolling' } });
  t.is(a.fakes.all().length, 4, 'two new workers were started');
  t.deepEqual(a.fakes.get(1).signals, [], 'old workers keep serving while the new ones boot');
  a.fakes.ready(3);
  t.deepEqual(a.fakes.get(1).signals, ['SIGTERM'], 'one new ready worker lets the oldest retire');
  t.deepEqual(a.fakes.get(2).signals, []);
  a.fakes.ready(4);
  t.deepEqual(a.fakes.get(2).signals, ['SIGTERM']);
  t.deepEqual(a.value(), { serving: { running: 'noStandby' } });
  t.like(a.ofType('reload.done')[0], { generation: 2, workers: 2 });
  t.like(a.ofType('worker.exited')[0], { workerId: 1, cause: 'stopped', retiredFor: 'reload' });
});

test('a worker count changed with TTIN survives a reload that does not change workers', async (t) => {
  const a = startArbiter(2);
  a.readyAll();
  a.actor.send({ type: 'signal.ttin' });
  a.readyAll();
  a.actor.send({ type: 'signal.hup' });
  await settle();
  a.readyAll();
  t.is(a.context().target, 3);
  t.is(a.liveWorkers().length, 3);
  t.is(a.ofType('workers.changed').length, 1, 'a reload that keeps the count reports no change');
});

test('a reload that changes workers sets the new count', async (t) => {
  const a = startArbiter(2, { reload: () => settingsWith(4) });
  a.readyAll();
  a.actor.send({ type: 'signal.ttin' });
  a.readyAll();
  a.actor.send({ type: 'signal.hup' });
  await settle();
  a.readyAll();
  t.is(a.context().target, 4);
  t.is(a.liveWorkers().length, 4);
  t.deepEqual(
    a.ofType('workers.changed').map((e) => [e.previous, e.target]),
    [
      [2, 3],
      [3, 4],
    ],
    'the reload reports its new count as TTIN does',
  );
});

test('if the new generation fails to boot, the old workers keep serving and the reload is abandoned', async (t) => {
  const a = startArbiter(2);
  a.readyAll();
  a.actor.send({ type: 'signal.hup' });
  await settle();
  a.fakes.get(3).send({ type: 'ipc.boot-failed', exitCode: 3, reason: 'SyntaxError in app.js' });
  a.fakes.exit(3, 3);
  t.deepEqual(a.value(), { serving: { running: 'noStandby' } });
  t.is(a.actor.getSnapshot().status, 'active', 'a failed reload never halts a running server');
  t.deepEqual(a.fakes.get(4).signals, ['SIGTERM'], 'the rest of the new generation is stopped');
  t.deepEqual(a.fakes.get(1).signals, []);
  t.deepEqual(a.fakes.get(2).signals, []);
  t.is(a.context().generation, 1);
  const failed = a.ofType('reload.failed')[0];
  t.regex(failed?.reason ?? '', /SyntaxError in app\.js/);
  t.is(a.liveWorkers().length, 2);
});

test('a failed reload that changed workers goes back to the old count and settings', async (t) => {
  const slower = { ...timings, timeoutMs: timings.timeoutMs * 2 };
  const a = startArbiter(2, { reload: () => ({ workers: 3, timings: slower, policy }) });
  a.readyAll();
  a.actor.send({ type: 'signal.hup' });
  await settle();
  t.is(a.context().target, 3);
  a.fakes.get(3).send({ type: 'ipc.boot-failed', exitCode: 3, reason: 'SyntaxError' });
  a.fakes.exit(3, 3);
  t.is(a.context().target, 2);
  t.is(a.context().configuredWorkers, 2);
  t.deepEqual(a.context().timings, timings);
  t.deepEqual(
    a.ofType('workers.changed').map((e) => [e.previous, e.target]),
    [
      [2, 3],
      [3, 2],
    ],
  );
  t.is(a.liveWorkers().length, 2);
});

test('a boot timeout in the new generation abandons the reload too', async (t) => {
  const a = startArbiter(1);
  a.readyAll();
  a.actor.send({ type: 'signal.hup' });
  await settle();
  a.clock.increment(timings.bootTimeoutMs - 1);
  a.fakes.heartbeat(1);
  a.clock.increment(1);
  a.clock.increment(timings.abortGraceMs);
  t.like(a.ofType('reload.failed')[0], { generation: 2 });
  t.deepEqual(a.fakes.get(1).signals, [], 'the old worker was never asked to stop');
});

test('settings that cannot be read again abandon the reload and keep serving', async (t) => {
  const a = startArbiter(1, { reload: () => new Error('config.ts: unknown key "wrokers"') });
  a.readyAll();
  a.actor.send({ type: 'signal.hup' });
  await settle();
  t.deepEqual(a.value(), { serving: { running: 'noStandby' } });
  t.regex(a.ofType('reload.failed')[0]?.reason ?? '', /unknown key/);
  t.like(a.ofType('reload.failed')[0], { generation: 2 });
  t.is(a.fakes.all().length, 1);
  a.actor.send({ type: 'signal.hup' });
  await settle();
  t.like(a.ofType('reload.started')[1], { generation: 3 });
});

test('a second HUP during a reload is queued: one more reload runs after it', async (t) => {
  const a = startArbiter(1);
  a.readyAll();
  a.actor.send({ type: 'signal.hup' });
  await settle();
  a.actor.send({ type: 'signal.hup' });
  a.actor.send({ type: 'signal.hup' });
  a.fakes.ready(2);
  await settle();
  t.deepEqual(a.value(), { serving: { reloading: 'rolling' } });
  a.fakes.ready(3);
  t.deepEqual(a.value(), { serving: { running: 'noStandby' } });
  t.deepEqual(
    a.ofType('reload.done').map((e) => e.generation),
    [2, 3],
    'several HUPs during a reload collapse into one more reload',
  );
});

test('TERM during a reload stops every worker, old and new', async (t) => {
  const a = startArbiter(1);
  a.readyAll();
  a.actor.send({ type: 'signal.hup' });
  await settle();
  a.actor.send({ type: 'signal.term' });
  t.is(a.actor.getSnapshot().status, 'done');
  t.like(a.actor.getSnapshot().output, { exitCode: 0 });
  t.is(a.fakes.alive().length, 0);
});

test('WINCH stops every worker but keeps the master; HUP brings them back', async (t) => {
  const a = startArbiter(2);
  a.readyAll();
  a.actor.send({ type: 'signal.winch' });
  t.is(a.fakes.alive().length, 0);
  t.is(a.actor.getSnapshot().status, 'active');
  t.is(a.ofType('arbiter.paused').length, 1);
  a.actor.send({ type: 'signal.hup' });
  await settle();
  a.readyAll();
  t.is(a.fakes.alive().length, 2);
  t.deepEqual(a.value(), { serving: { running: 'noStandby' } });
});

test('the reload replaces workers with the new settings’ timings', async (t) => {
  const a = startArbiter(1, {
    reload: () => ({ workers: 1, timings: { ...timings, timeoutMs: 5_000 }, policy }),
  });
  a.readyAll();
  a.actor.send({ type: 'signal.hup' });
  await settle();
  a.fakes.ready(2);
  a.clock.increment(5_000);
  t.deepEqual(a.fakes.get(2).signals, ['SIGABRT'], 'the new worker runs with the new timeout');
});

test('generation numbers are never reused, even after a failed reload', async (t) => {
  const a = startArbiter(1);
  a.readyAll();
  a.actor.send({ type: 'signal.hup' });
  await settle();
  a.fakes.exit(2, 3);
  t.is(a.context().generation, 1);
  a.actor.send({ type: 'signal.hup' });
  await settle();
  a.fakes.ready(3);
  t.like(a.ofType('reload.done')[0], { generation: 3 });
});
