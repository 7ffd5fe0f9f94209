// A worker process from fork to serving: booted, then ready, then heartbeats, and HTTP answered
// on the inherited socket.
import test from 'ava';
import type { WorkerMessage } from '../../protocol/ipc-messages.ts';
import { bindSocket } from '../helpers/bound-socket.ts';
import { get } from '../helpers/http-client.ts';
import { waitUntil } from '../helpers/wait.ts';
import { startWorker } from '../helpers/worker-harness.ts';

const heartbeats = (messages: readonly WorkerMessage[]): number =>
  messages.filter((message) => message.act === 'heartbeat').length;

test.serial('reports booted, then ready, then heartbeats, and serves HTTP', async (t) => {
  t.timeout(30_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { heartbeatMs: 50 });

  await worker.waitForMessage('ready');
  const lifecycle = worker.messages
    .map((message) => message.act)
    .filter((act) => act !== 'heartbeat');
  t.deepEqual(lifecycle, ['booted', 'ready']);

  const response = await get(socket.port, '/');
  t.is(response.status, 200);
  t.is(response.body, String(worker.pid));

  const beatsAtReady = heartbeats(worker.messages);
  await waitUntil(() => heartbeats(worker.messages) >= beatsAtReady + 2, 'two more heartbeats');
  t.pass();
});

test.serial('serves a TypeScript app loaded without a build step', async (t) => {
  t.timeout(30_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { app: 'factory.ts:createApp("ts", 2)' });
  await worker.waitForMessage('ready');
  t.is((await get(socket.port, '/')).body, 'ts ts');
});
