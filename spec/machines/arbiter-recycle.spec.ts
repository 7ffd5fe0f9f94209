import test from 'ava';
import { startArbiter } from './arbiter-harness.ts';

test('a worker asking to be recycled is replaced first and retires when the replacement is ready', (t) => {
  const a = startArbiter(2);
  a.readyAll();
  a.fakes
    .get(1)
    .send({ type: 'ipc.recycle', reason: 'max-requests', detail: 'served 200 requests' });
  t.like(a.ofType('worker.recycling')[0], {
    workerId: 1,
    reason: 'max-requests',
    detail: 'served 200 requests',
  });
  t.is(a.fakes.all().length, 3, 'the replacement starts first');
  t.deepEqual(a.fakes.get(1).signals, [], 'the old worker keeps serving meanwhile');
  a.fakes.ready(3);
  t.deepEqual(a.fakes.get(1).signals, ['SIGTERM']);
  t.is(a.liveWorkers().length, 2);
  t.like(a.ofType('worker.exited')[0], { workerId: 1, cause: 'stopped', retiredFor: 'recycle' });
});

test('recycles run one at a time, so workers never all restart together', (t) => {
  const a = startArbiter(2);
  a.readyAll();
  a.fakes.get(1).send({ type: 'ipc.recycle', reason: 'max-requests', detail: 'n' });
  a.fakes.get(2).send({ type: 'ipc.recycle', reason: 'max-requests', detail: 'n' });
  t.is(a.fakes.all().length, 3, 'only one replacement is started');
  t.deepEqual(
    a.context().recycleQueue.map((r) => r.workerId),
    [2],
  );
  a.fakes.ready(3);
  t.deepEqual(a.fakes.get(2).signals, [], 'the second waits while the first retires');
  t.deepEqual(a.fakes.get(1).signals, ['SIGTERM']);
  t.is(a.fakes.all().length, 4, 'the next recycle starts when the first worker is gone');
  a.fakes.ready(4);
  t.deepEqual(a.fakes.get(2).signals, ['SIGTERM']);
  t.is(a.liveWorkers().length, 2);
  t.is(a.ofType('worker.recycling').length, 2);
});

test('a queued recycle of a worker that dies meanwhile is dropped with it', (t) => {
  const a = startArbiter(3);
  a.readyAll();
  a.fakes.get(1).send({ type: 'ipc.recycle', reason: 'max-requests', detail: 'n' });
  a.fakes.get(2).send({ type: 'ipc.recycle', reason: 'max-requests', detail: 'n' });
  t.deepEqual(
    a.context().recycleQueue.map((r) => r.workerId),
    [2],
  );
  a.fakes.exit(2, null, 'SIGKILL');
  t.deepEqual(a.context().recycleQueue, [], 'no request of a dead worker is kept');
});
