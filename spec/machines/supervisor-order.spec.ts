import test from 'ava';
import { processChild, startSupervisor } from './supervisor-harness.ts';
import { stubborn } from './fake-processes.ts';

const three = [processChild('a'), processChild('b'), processChild('c')];

test('children start in order, each once the one before it is ready; the supervisor is ready when all are', (t) => {
  const s = startSupervisor({ children: three });
  t.deepEqual(s.started(), ['root/a'], 'b waits for a');
  s.ready('root/a');
  t.deepEqual(s.started(), ['root/a', 'root/b']);
  t.false(s.actor.getSnapshot().hasTag('ready'));
  s.ready('root/b');
  s.ready('root/c');
  t.deepEqual(s.started(), ['root/a', 'root/b', 'root/c']);
  t.true(s.actor.getSnapshot().hasTag('ready'));
  t.like(s.ofType('supervisor.ready')[0], { path: 'root', children: 3 });
});

test('children stop in reverse order, each once the one started after it has exited', (t) => {
  const s = startSupervisor({ children: three }, stubborn);
  ['root/a', 'root/b', 'root/c'].forEach((path) => s.ready(path));
  s.actor.send({ type: 'supervisor.stop' });
  t.deepEqual(s.fakeOf('root/c').signals, ['SIGTERM']);
  t.deepEqual(s.fakeOf('root/b').signals, [], 'b is not asked before c is gone');
  s.exit('root/c', 0);
  t.deepEqual(s.fakeOf('root/b').signals, ['SIGTERM']);
  s.exit('root/b', 0);
  s.exit('root/a', 0);
  t.deepEqual(s.stoppedOrder(), ['root/c', 'root/b', 'root/a']);
  t.is(s.actor.getSnapshot().status, 'done');
  t.deepEqual(s.output(), { exitCode: 0, reason: 'stopped on request', chain: [] });
});

test('a child that ignores SIGTERM is killed after its shutdown timeout; brutal_kill is SIGKILL at once', (t) => {
  const s = startSupervisor(
    {
      children: [
        processChild('slow', 'permanent', { gracefulTimeoutMs: 5_000 }),
        processChild('brutal', 'permanent', { brutalKill: true }),
      ],
    },
    stubborn,
  );
  s.ready('root/slow');
  s.ready('root/brutal');
  const slow = s.fakeOf('root/slow');
  const brutal = s.fakeOf('root/brutal');
  s.actor.send({ type: 'supervisor.stop' });
  t.deepEqual(brutal.signals, ['SIGKILL'], 'brutal_kill: no SIGTERM');
  t.deepEqual(slow.signals, ['SIGTERM']);
  s.clock.increment(4_999);
  t.deepEqual(slow.signals, ['SIGTERM'], 'still within its shutdown timeout');
  s.clock.increment(1);
  t.deepEqual(slow.signals, ['SIGTERM', 'SIGKILL']);
  t.is(s.actor.getSnapshot().status, 'done');
});

test('readiness: at spawn, after a delay, or when the child says so', (t) => {
  const s = startSupervisor({
    children: [
      processChild('at-spawn', 'permanent', { readyAfterMs: 0 }),
      processChild('delayed', 'permanent', { readyAfterMs: 2_000 }),
      processChild('says-so'),
    ],
  });
  t.deepEqual(s.started(), ['root/at-spawn', 'root/delayed'], 'ready at spawn lets the next start');
  s.clock.increment(1_999);
  t.deepEqual(s.started(), ['root/at-spawn', 'root/delayed']);
  s.clock.increment(1);
  t.deepEqual(s.started(), ['root/at-spawn', 'root/delayed', 'root/says-so']);
  t.false(s.actor.getSnapshot().hasTag('ready'));
  s.ready('root/says-so');
  t.true(s.actor.getSnapshot().hasTag('ready'));
});

test('a child that never becomes ready is killed at its boot timeout, named in the exit, and restarted', (t) => {
  const s = startSupervisor({
    children: [processChild('stuck', 'permanent', { bootTimeoutMs: 3_000 })],
  });
  const first = s.fakeOf('root/stuck');
  s.clock.increment(3_000);
  t.deepEqual(first.signals, ['SIGKILL']);
  t.like(s.ofType('child.timeout')[0], { path: 'root/stuck', phase: 'boot', silentMs: 3_000 });
  const exit = s.ofType('child.exited')[0]!;
  t.is(exit.outcome, 'restart');
  t.regex(exit.description, /did not report ready within 3 s/);
  t.not(s.fakeOf('root/stuck'), first, 'a new incarnation');
});

test('a child silent past its heartbeat timeout is killed and restarted', (t) => {
  const s = startSupervisor({
    children: [processChild('beats', 'permanent', { timeoutMs: 2_000 })],
  });
  s.ready('root/beats');
  s.clock.increment(1_500);
  s.heartbeat('root/beats');
  s.clock.increment(1_500);
  t.deepEqual(s.ofType('child.timeout'), [], 'the heartbeat restarted the timeout');
  const first = s.fakeOf('root/beats');
  s.clock.increment(500);
  t.like(s.ofType('child.timeout')[0], { path: 'root/beats', phase: 'heartbeat' });
  t.deepEqual(first.signals, ['SIGKILL'], 'a generic child is not sent SIGABRT');
  t.regex(s.ofType('child.exited')[0]!.description, /no heartbeat for 2 s/);
  t.true(s.running('root/beats'));
});

test('a quick stop on top of a graceful one sends SIGQUIT to the child being stopped', (t) => {
  const s = startSupervisor({ children: [processChild('a'), processChild('b')] }, stubborn);
  s.ready('root/a');
  s.ready('root/b');
  const b = s.fakeOf('root/b');
  s.actor.send({ type: 'signal.term' });
  t.deepEqual(b.signals, ['SIGTERM'], 'TERM at the root: a graceful stop');
  s.actor.send({ type: 'signal.int' });
  t.deepEqual(b.signals, ['SIGTERM', 'SIGQUIT']);
  s.exit('root/b', 0);
  t.deepEqual(s.fakeOf('root/a').signals, ['SIGQUIT'], 'the rest is stopped quickly too');
});

test('a quick stop while the first child is still starting stops it and halts with exit 0', (t) => {
  const s = startSupervisor({ children: [processChild('a'), processChild('b')] });
  const a = s.fakeOf('root/a');
  s.actor.send({ type: 'supervisor.stop', mode: 'quick' });
  t.deepEqual(a.signals, ['SIGQUIT']);
  t.deepEqual(s.started(), ['root/a'], 'b never started');
  t.is(s.output()?.exitCode, 0);
});
