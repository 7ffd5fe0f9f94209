// The recycling rules without a process: the request limit with its jitter, the count that asks
// once, and the memory ceiling that forgives a brief peak.
import test from 'ava';
import type { WorkerMessage } from '../../protocol/ipc-messages.ts';
import { countRequests, requestLimit } from '../../workers/lifecycle/max-requests.ts';
import {
  CHECKS_ABOVE_CEILING,
  watchMemoryCeiling,
} from '../../workers/lifecycle/memory-ceiling.ts';
import { createRecycling } from '../../workers/lifecycle/recycling.ts';

const MIB = 1024 * 1024;

test('max-requests 0 is off, whatever the jitter', (t) => {
  t.is(
    requestLimit(0, 50, () => 0.5),
    0,
  );
});

test('the jitter adds 0 up to and including jitter', (t) => {
  t.is(
    requestLimit(1000, 50, () => 0),
    1000,
  );
  t.is(
    requestLimit(1000, 50, () => 0.999_999),
    1050,
  );
  t.is(
    requestLimit(1000, 0, () => 0.999_999),
    1000,
  );
});

test('the jitter spreads the limits of workers over the whole range', (t) => {
  const draws = Array.from({ length: 11 }, (_, i) => i / 11);
  const limits = draws.map((draw) => requestLimit(100, 10, () => draw));
  t.deepEqual(limits, [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110]);
});

test('the count calls back once, at the limit', (t) => {
  const reached: number[] = [];
  const count = countRequests(3, (served) => reached.push(served));
  for (let i = 0; i < 10; i += 1) count();
  t.deepEqual(reached, [3]);
});

test('a limit of 0 never calls back', (t) => {
  const count = countRequests(0, () => t.fail());
  for (let i = 0; i < 10; i += 1) count();
  t.pass();
});

test('the memory ceiling needs consecutive checks above it, and tells once', (t) => {
  const rss = [600, 600, 100, 600, 600, 600, 600, 600].map((mb) => mb * MIB);
  const told: string[] = [];
  const check = watchMemoryCeiling({
    ceilingMb: 512,
    exceeded: (detail) => told.push(detail),
    readRss: () => rss.shift() ?? 0,
  });
  for (let i = 0; i < 8; i += 1) check();
  t.is(CHECKS_ABOVE_CEILING, 3);
  t.deepEqual(told, ['RSS 600 MiB above the 512 MiB ceiling']);
});

test('a ceiling of 0 never reads memory', (t) => {
  const check = watchMemoryCeiling({
    ceilingMb: 0,
    exceeded: () => t.fail(),
    readRss: () => t.fail() as never,
  });
  for (let i = 0; i < 5; i += 1) check();
  t.pass();
});

test('the worker asks to be recycled once, whichever rule fires first', (t) => {
  const sent: WorkerMessage[] = [];
  const recycling = createRecycling({
    config: { maxRequests: 2, maxRequestsJitter: 0, maxWorkerMemoryMb: 1 },
    send: (message) => sent.push(message),
    readRss: () => 100 * MIB,
  });
  recycling.serving();
  recycling.onRequest();
  recycling.onRequest();
  for (let i = 0; i < 5; i += 1) recycling.onHeartbeat();
  t.deepEqual(sent, [{ act: 'recycle', reason: 'max-requests', detail: 'served 2 requests' }]);
});

test('memory is not checked before the worker serves: the master would drop the request', (t) => {
  const sent: WorkerMessage[] = [];
  const recycling = createRecycling({
    config: { maxRequests: 0, maxRequestsJitter: 0, maxWorkerMemoryMb: 1 },
    send: (message) => sent.push(message),
    readRss: () => 100 * MIB,
  });
  for (let i = 0; i < 5; i += 1) recycling.onHeartbeat();
  t.deepEqual(sent, []);
  recycling.serving();
  for (let i = 0; i < 3; i += 1) recycling.onHeartbeat();
  t.like(sent, [{ act: 'recycle', reason: 'memory' }]);
});
