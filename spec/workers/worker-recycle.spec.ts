// A worker asks the master to replace it (a `recycle` message) once it has served max-requests,
// or once its memory stays above the ceiling; it asks once and keeps serving meanwhile.
import test from 'ava';
import type { WorkerMessage } from '../../protocol/ipc-messages.ts';
import { bindSocket } from '../helpers/bound-socket.ts';
import { get } from '../helpers/http-client.ts';
import { waitUntil } from '../helpers/wait.ts';
import { startWorker, type WorkerHandle } from '../helpers/worker-harness.ts';

const recycles = (messages: readonly WorkerMessage[]) =>
  messages.filter((message) => message.act === 'recycle');

/**
 * IPC messages arrive in the order they were sent: once a heartbeat sent after the last request
 * has arrived, any recycle message those requests caused has arrived too.
 */
async function settle(worker: WorkerHandle): Promise<void> {
  const beats = worker.messages.filter((message) => message.act === 'heartbeat').length;
  await waitUntil(
    () => worker.messages.filter((message) => message.act === 'heartbeat').length > beats + 1,
    'two more heartbeats',
  );
}

async function serveRequests(port: number, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) statuses.push((await get(port, '/')).status);
  return statuses;
}

test.serial('max-requests 3: asks once, at the third request, and serves on', async (t) => {
  t.timeout(30_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { maxRequests: 3, maxRequestsJitter: 0 });
  await worker.waitForMessage('ready');

  t.deepEqual(await serveRequests(socket.port, 2), [200, 200]);
  await settle(worker);
  t.deepEqual(recycles(worker.messages), [], 'not before the limit');

  t.deepEqual(await serveRequests(socket.port, 4), [200, 200, 200, 200]);
  await settle(worker);
  t.deepEqual(recycles(worker.messages), [
    { act: 'recycle', reason: 'max-requests', detail: 'served 3 requests' },
  ]);
});

test.serial('max-requests 0 never asks', async (t) => {
  t.timeout(30_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { maxRequests: 0, maxRequestsJitter: 5 });
  await worker.waitForMessage('ready');
  t.deepEqual(await serveRequests(socket.port, 6), [200, 200, 200, 200, 200, 200]);
  await settle(worker);
  t.deepEqual(recycles(worker.messages), []);
});

test.serial('memory above the ceiling for three heartbeats: asks once', async (t) => {
  t.timeout(30_000);
  const socket = bindSocket(t);
  // Any Node process holds more than 1 MiB, so this ceiling is always exceeded.
  const worker = startWorker(t, socket, { maxWorkerMemoryMb: 1, heartbeatMs: 50 });
  const recycle = await worker.waitForMessage('recycle');
  const acts = worker.messages.map((message) => message.act);
  t.true(acts.indexOf('ready') < acts.indexOf('recycle'), 'only once serving');
  t.is(recycle.reason, 'memory');
  t.regex(recycle.detail, /^RSS \d+ MiB above the 1 MiB ceiling$/);
  await settle(worker);
  t.is(recycles(worker.messages).length, 1);
  t.is((await get(socket.port, '/')).status, 200, 'it keeps serving');
});
