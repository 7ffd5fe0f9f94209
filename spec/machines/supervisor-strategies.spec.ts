import test from 'ava';
import { processChild, startSupervisor } from './supervisor-harness.ts';
import type { Strategy } from '../../machines/supervisor/supervisor-machine.ts';

const roomy = { intensity: 10, periodMs: 5_000, backoffMaxMs: 0 };
const paths = ['root/a', 'root/b', 'root/c'];

function startThree(strategy: Strategy) {
  const s = startSupervisor({
    strategy,
    policy: roomy,
    children: [processChild('a'), processChild('b'), processChild('c')],
  });
  paths.forEach((path) => s.ready(path));
  const pids = () => paths.map((path) => s.pidOf(path));
  return { s, before: pids(), pids };
}

test('one_for_one restarts only the child that exited', (t) => {
  const { s, before, pids } = startThree('one_for_one');
  s.exit('root/b');
  const after = pids();
  t.is(after[0], before[0]);
  t.not(after[1], before[1]);
  t.is(after[2], before[2]);
  t.deepEqual(s.ofType('children.restarting'), []);
});

test('one_for_all stops the others in reverse order, then starts all again in order', (t) => {
  const { s, before, pids } = startThree('one_for_all');
  s.exit('root/b');
  t.like(s.ofType('children.restarting')[0], { children: ['root/b', 'root/a', 'root/c'] });
  t.deepEqual(s.stoppedOrder(), ['root/c', 'root/a'], 'c, then a');
  t.deepEqual(s.started().slice(3), ['root/a'], 'a first, and b waits for it');
  s.ready('root/a');
  s.ready('root/b');
  t.deepEqual(s.started().slice(3), ['root/a', 'root/b', 'root/c']);
  s.ready('root/c');
  pids().forEach((pid, i) => t.not(pid, before[i]));
});

test('rest_for_one restarts the child and the ones started after it, not those before', (t) => {
  const { s, before, pids } = startThree('rest_for_one');
  s.exit('root/b');
  t.like(s.ofType('children.restarting')[0], { children: ['root/b', 'root/c'] });
  t.deepEqual(s.stoppedOrder(), ['root/c']);
  s.ready('root/b');
  s.ready('root/c');
  const after = pids();
  t.is(after[0], before[0]);
  t.not(after[1], before[1]);
  t.not(after[2], before[2]);
});

test('rest_for_one: the last child exiting takes nobody with it', (t) => {
  const { s, before, pids } = startThree('rest_for_one');
  s.exit('root/c');
  t.deepEqual(s.stoppedOrder(), []);
  t.deepEqual(pids().slice(0, 2), before.slice(0, 2));
});

test('restart types: permanent always, transient only after an abnormal exit, temporary never', (t) => {
  const s = startSupervisor({
    policy: roomy,
    children: [
      processChild('perm', 'permanent'),
      processChild('trans', 'transient'),
      processChild('temp', 'temporary'),
    ],
  });
  ['root/perm', 'root/trans', 'root/temp'].forEach((path) => s.ready(path));
  s.exit('root/perm', 0);
  t.true(s.running('root/perm'), 'permanent: restarted even after exit 0');
  s.ready('root/perm');
  s.exit('root/trans', 0);
  t.false(s.running('root/trans'), 'transient: a normal exit stays down');
  t.like(s.ofType('child.exited').at(-1), { path: 'root/trans', normal: true, outcome: 'done' });
  s.actor.send({ type: 'supervisor.start-child', id: 'trans' });
  s.ready('root/trans');
  s.exit('root/trans', 1);
  t.true(s.running('root/trans'), 'transient: an abnormal exit is restarted');
  s.ready('root/trans');
  s.exit('root/temp', 1);
  t.false(s.running('root/temp'), 'temporary: never restarted');
  t.false('temp' in s.actor.getSnapshot().context.children, 'and forgotten');
  t.like(s.ofType('child.exited').at(-1), { path: 'root/temp', normal: false, outcome: 'done' });
});

test('a SIGKILL from outside is an abnormal exit for a transient child', (t) => {
  const s = startSupervisor({ policy: roomy, children: [processChild('t', 'transient')] });
  s.ready('root/t');
  s.exit('root/t', null, 'SIGKILL');
  t.like(s.ofType('child.exited')[0], { normal: false, outcome: 'restart' });
  t.regex(s.ofType('child.exited')[0]!.description, /SIGKILL by someone other than corral/);
  t.true(s.running('root/t'));
});

test('one_for_all: a temporary sibling is stopped with the others and not started again', (t) => {
  const s = startSupervisor({
    strategy: 'one_for_all',
    policy: roomy,
    children: [processChild('a'), processChild('temp', 'temporary')],
  });
  s.ready('root/a');
  s.ready('root/temp');
  s.exit('root/a');
  t.deepEqual(s.stoppedOrder(), ['root/temp']);
  s.ready('root/a');
  t.deepEqual(s.started(), ['root/a', 'root/temp', 'root/a']);
  t.deepEqual(s.actor.getSnapshot().context.order, ['a']);
});

test('one_for_all: a transient child that exits normally takes nobody with it', (t) => {
  const s = startSupervisor({
    strategy: 'one_for_all',
    policy: roomy,
    children: [processChild('a'), processChild('job', 'transient')],
  });
  s.ready('root/a');
  s.ready('root/job');
  const a = s.pidOf('root/a');
  s.exit('root/job', 0);
  t.is(s.pidOf('root/a'), a);
  t.deepEqual(s.ofType('children.restarting'), []);
});

test('stop-child, start-child and restart-child act on one child and count no failure', (t) => {
  const s = startSupervisor({ children: [processChild('a'), processChild('b')] });
  s.ready('root/a');
  s.ready('root/b');
  s.actor.send({ type: 'supervisor.stop-child', id: 'a' });
  t.false(s.running('root/a'));
  t.like(s.ofType('child.exited')[0], { path: 'root/a', outcome: 'stopped' });
  s.actor.send({ type: 'supervisor.start-child', id: 'a' });
  s.ready('root/a');
  const b = s.pidOf('root/b');
  s.actor.send({ type: 'supervisor.restart-child', id: 'b' });
  t.not(s.pidOf('root/b'), b, 'restarted');
  s.ready('root/b');
  t.is(s.actor.getSnapshot().context.restarts.recent, 0, 'requests are not failures');
  s.actor.send({ type: 'supervisor.stop-child', id: 'nope' });
  t.regex(s.ofType('supervisor.refused')[0]!.reason, /no child nope/);
});
