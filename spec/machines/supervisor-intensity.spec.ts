import test from 'ava';
import { otpPolicy, processChild, startSupervisor, supervisorChild } from './supervisor-harness.ts';

test('more than intensity restarts within the period: the supervisor gives up with exit 1', (t) => {
  const s = startSupervisor({
    policy: { intensity: 2, periodMs: 5_000, backoffMaxMs: 0 },
    children: [processChild('a'), processChild('b')],
  });
  s.ready('root/a');
  s.ready('root/b');
  s.exit('root/b');
  s.ready('root/b');
  s.clock.increment(1_000);
  s.exit('root/b');
  s.ready('root/b');
  t.is(s.actor.getSnapshot().status, 'active', 'two restarts are within the budget');
  const a = s.fakeOf('root/a');
  s.clock.increment(1_000);
  s.exit('root/b', 7);
  t.like(
    s.ofType('child.exited').find((e) => e.path === 'root/b' && e.outcome === 'give-up'),
    {
      normal: false,
    },
  );
  t.deepEqual(a.signals, ['SIGTERM'], 'the other children are stopped');
  t.is(s.actor.getSnapshot().status, 'done');
  t.deepEqual(s.output(), {
    exitCode: 1,
    reason: 'root gave up: more than 2 restarts within 5 s ← root/b exited with code 7',
    chain: ['root gave up: more than 2 restarts within 5 s', 'root/b exited with code 7'],
  });
});

test('restarts spread wider than the period never use up the budget', (t) => {
  const s = startSupervisor({ policy: otpPolicy, children: [processChild('a')] });
  for (let i = 0; i < 10; i += 1) {
    s.ready('root/a');
    s.clock.increment(5_000);
    s.exit('root/a');
  }
  t.is(s.actor.getSnapshot().status, 'active');
  t.is(s.ofType('child.exited').length, 10);
});

test("OTP's default intensity: a second restart within 5 s gives up", (t) => {
  const s = startSupervisor({ policy: otpPolicy, children: [processChild('a')] });
  s.ready('root/a');
  s.exit('root/a');
  s.ready('root/a');
  s.clock.increment(4_999);
  s.exit('root/a');
  t.is(s.output()?.exitCode, 1);
});

test('a child that exits at once is restarted within the budget, then the supervisor gives up naming it', (t) => {
  const s = startSupervisor({
    policy: { intensity: 3, periodMs: 10_000, backoffMaxMs: 0 },
    children: [processChild('flaky')],
  });
  for (let i = 0; i < 4; i += 1) s.exit('root/flaky', 2);
  t.is(s.ofType('child.exited').length, 4);
  t.regex(s.output()?.reason ?? '', /root\/flaky exited with code 2/);
});

test('with a backoff a supervisor waits before restarting past the budget, then gives up', (t) => {
  const s = startSupervisor({
    policy: { intensity: 1, periodMs: 10_000, backoffMaxMs: 2_000 },
    children: [processChild('a')],
  });
  s.ready('root/a');
  s.exit('root/a');
  s.ready('root/a');
  s.exit('root/a');
  const [first] = s.ofType('restart.delayed');
  t.truthy(first);
  t.false(s.running('root/a'), 'held while the wait runs');
  s.clock.increment(first!.delayMs);
  t.true(s.running('root/a'));
  s.exit('root/a');
  s.clock.increment(s.ofType('restart.delayed')[1]!.delayMs);
  s.exit('root/a');
  t.is(s.output()?.exitCode, 1);
  t.regex(s.output()?.reason ?? '', /and again after waiting 2 s/);
});

/** root (one_for_one) → jobs (one_for_one) → consumer; every crash of consumer is 1 ms apart. */
function startTree() {
  const jobs = supervisorChild('jobs', 'root', {
    strategy: 'one_for_one',
    policy: otpPolicy,
    children: [processChild('consumer')],
  });
  const s = startSupervisor({ policy: otpPolicy, children: [processChild('web'), jobs] });
  s.ready('root/web');
  s.ready('root/jobs/consumer');
  const crashTwice = () => {
    s.exit('root/jobs/consumer');
    s.ready('root/jobs/consumer');
    s.clock.increment(1);
    s.exit('root/jobs/consumer');
  };
  return { s, crashTwice };
}

test('a nested supervisor is ready to its parent once its own children are', (t) => {
  const jobs = supervisorChild('jobs', 'root', {
    strategy: 'one_for_one',
    policy: otpPolicy,
    children: [processChild('consumer')],
  });
  const s = startSupervisor({ children: [jobs, processChild('after')] });
  t.deepEqual(s.started().sort(), ['root/jobs', 'root/jobs/consumer']);
  t.false(s.running('root/after'), 'after waits for jobs to be ready');
  s.ready('root/jobs/consumer');
  t.true(s.ref('root/jobs').getSnapshot().hasTag('ready'));
  t.deepEqual(s.started().at(-1), 'root/after');
});

test('a child supervisor that gives up counts as one failure of its parent, which restarts it', (t) => {
  const { s, crashTwice } = startTree();
  const web = s.pidOf('root/web');
  crashTwice();
  t.like(s.ofType('supervisor.gave-up')[0], { path: 'root/jobs' });
  t.like(
    s.ofType('child.exited').find((e) => e.path === 'root/jobs'),
    {
      normal: false,
      outcome: 'restart',
    },
  );
  t.is(s.actor.getSnapshot().status, 'active', 'the root is within its budget');
  t.true(s.running('root/jobs/consumer'), 'jobs was started again, and its child with it');
  t.is(s.pidOf('root/web'), web, 'one_for_one at the root: web is untouched');
});

test('escalation up to the root: the root gives up with exit 1 and the chain of reasons', (t) => {
  const { s, crashTwice } = startTree();
  const web = s.fakeOf('root/web');
  crashTwice();
  s.ready('root/jobs/consumer');
  s.clock.increment(1);
  crashTwice();
  t.is(s.actor.getSnapshot().status, 'done');
  const output = s.output()!;
  t.is(output.exitCode, 1);
  t.deepEqual(output.chain, [
    'root gave up: more than 1 restart within 5 s',
    'root/jobs gave up: more than 1 restart within 5 s',
    'root/jobs/consumer exited with code 1',
  ]);
  t.deepEqual(web.signals, ['SIGTERM'], 'the root stopped what was left');
});

test('a nested supervisor stops its children before its parent counts it stopped', (t) => {
  const { s } = startTree();
  s.actor.send({ type: 'supervisor.stop' });
  t.deepEqual(s.stoppedOrder(), ['root/jobs/consumer', 'root/jobs', 'root/web']);
  t.is(s.output()?.exitCode, 0);
});
