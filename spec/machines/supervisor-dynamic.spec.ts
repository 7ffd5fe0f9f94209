import test from 'ava';
import { processChild, startSupervisor } from './supervisor-harness.ts';
import { timings } from './arbiter-harness.ts';
import type { ChildPlan } from '../../machines/supervisor/supervisor-machine.ts';

const roomy = { intensity: 10, periodMs: 5_000, backoffMaxMs: 0 };

test('simple_one_for_one: children are added from the template at run time, side by side', (t) => {
  const s = startSupervisor({
    strategy: 'simple_one_for_one',
    policy: roomy,
    children: [],
    template: processChild('template', 'transient'),
  });
  t.true(s.actor.getSnapshot().hasTag('ready'), 'ready with no children');
  s.actor.send({ type: 'supervisor.add-child', id: 'w1' });
  s.actor.send({ type: 'supervisor.add-child', id: 'w2' });
  t.deepEqual(s.started(), ['root/w1', 'root/w2'], 'w2 does not wait for w1');
  s.actor.send({ type: 'supervisor.add-child', id: 'w1' });
  t.regex(s.ofType('supervisor.refused')[0]!.reason, /w1 already exists/);
  s.ready('root/w1');
  s.ready('root/w2');
  const w2 = s.pidOf('root/w2');
  s.exit('root/w1', 1);
  t.true(s.running('root/w1'), 'an abnormal exit of a transient child is restarted');
  t.is(s.pidOf('root/w2'), w2, 'alone');
  s.ready('root/w1');
  s.exit('root/w1', 0);
  t.deepEqual(s.actor.getSnapshot().context.order, ['w2'], 'a normal exit removes it');
  s.actor.send({ type: 'supervisor.remove-child', id: 'w2' });
  t.deepEqual(s.actor.getSnapshot().context.order, []);
  t.is(s.ofType('child.exited').at(-1)?.outcome, 'stopped');
});

test('simple_one_for_one stops its children side by side', (t) => {
  const s = startSupervisor({
    strategy: 'simple_one_for_one',
    policy: roomy,
    children: [],
    template: processChild('template'),
  });
  for (const id of ['w1', 'w2', 'w3']) s.actor.send({ type: 'supervisor.add-child', id });
  const fakes = ['root/w1', 'root/w2', 'root/w3'].map((path) => s.fakeOf(path));
  s.actor.send({ type: 'supervisor.stop' });
  t.deepEqual(
    fakes.map((fake) => fake.signals),
    [['SIGTERM'], ['SIGTERM'], ['SIGTERM']],
  );
  t.is(s.actor.getSnapshot().status, 'done');
});

test('add-child with a plan appends a child to an ordered supervisor', (t) => {
  const s = startSupervisor({ policy: roomy, children: [processChild('a')] });
  s.ready('root/a');
  s.actor.send({ type: 'supervisor.add-child', id: 'b', plan: processChild('b') });
  t.true(s.running('root/b'));
  s.actor.send({ type: 'supervisor.add-child', id: 'c' });
  t.regex(s.ofType('supervisor.refused')[0]!.reason, /a plan is needed/);
});

function pool(id: string, workers: number): ChildPlan {
  const policy = { intensity: 1, periodMs: 10_000, backoffMaxMs: 0 };
  return { id, restart: 'permanent', kind: 'pool', input: { workers, timings, policy } };
}

test('an HTTP pool is one kind of child: ready when its workers are, stopped gracefully with them', (t) => {
  const s = startSupervisor({ policy: roomy, children: [pool('web', 2), processChild('after')] });
  const web = s.ref('root/web');
  t.is(web.getSnapshot().machine.id, 'arbiter');
  const workers = s.fakes.children().filter((f) => f.alive);
  t.is(workers.length, 2, 'two workers forked for the pool');
  t.false(s.running('root/after'), 'after waits for the pool');
  workers.forEach((worker) => worker.send({ type: 'ipc.ready' }));
  t.true(s.running('root/after'));
  t.truthy(s.actor.system.get('root/web/worker-1'), "a pool's workers are named under it");
  s.ready('root/after');
  s.actor.send({ type: 'supervisor.forward', id: 'web', event: { type: 'signal.ttin' } });
  t.is(s.fakes.children().filter((f) => f.alive).length, 4, 'TTIN reached the pool: 3 workers');
  s.actor.send({ type: 'supervisor.stop' });
  t.true(
    workers.every((worker) => worker.signals.includes('SIGTERM')),
    'the pool stopped its workers',
  );
  t.is(s.output()?.exitCode, 0);
});

test('a pool that gives up (its workers crash-loop) counts as a failure of the supervisor', (t) => {
  const s = startSupervisor({ policy: roomy, children: [pool('web', 1)] });
  const crashWorker = () => {
    const worker = s.fakes.children().find((f) => f.alive)!;
    worker.send({ type: 'ipc.ready' });
    worker.send({ type: 'process.exited', code: 1, signal: null });
  };
  crashWorker();
  crashWorker();
  const exit = s.ofType('child.exited').find((e) => e.path === 'root/web')!;
  t.like(exit, { normal: false, outcome: 'restart' });
  t.regex(exit.description, /ended with exit 1: workers keep crashing/);
  t.true(s.ref('root/web').getSnapshot().status === 'active', 'the pool was started again');
});

test("the root's TTIN and TTOU reach every pool, not the process children", (t) => {
  const s = startSupervisor({ policy: roomy, children: [processChild('job'), pool('web', 1)] });
  s.ready('root/job');
  const workers = () => s.fakes.children().filter((f) => f.alive && f !== s.fakeOf('root/job'));
  workers().forEach((worker) => worker.send({ type: 'ipc.ready' }));
  s.actor.send({ type: 'signal.ttin' });
  t.is(workers().length, 2);
  t.deepEqual(s.fakeOf('root/job').signals, [], 'a process child is not signalled');
  workers().forEach((worker) => worker.send({ type: 'ipc.ready' }));
  s.actor.send({ type: 'signal.ttou' });
  t.is(workers().filter((worker) => worker.signals.length === 0).length, 1);
});
