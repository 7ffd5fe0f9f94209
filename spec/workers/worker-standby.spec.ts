// A worker started as a standby (`standby` in its boot config) loads the app, says `booted` then
// `standby`, and does not listen on the inherited socket until the master sends `promote`.
import test from 'ava';
import { bindSocket } from '../helpers/bound-socket.ts';
import { get } from '../helpers/http-client.ts';
import { waitUntil } from '../helpers/wait.ts';
import { startWorker } from '../helpers/worker-harness.ts';

test.serial('a standby takes no connection until it is promoted, then serves', async (t) => {
  t.timeout(40_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { standby: true });
  await worker.waitForMessage('standby');
  t.deepEqual(
    worker.messages.filter((m) => m.act !== 'heartbeat').map((m) => m.act),
    ['booted', 'standby'],
  );
  // Nobody has listened on the bound socket yet, so the kernel refuses the connection.
  await t.throwsAsync(get(socket.port, '/'), { code: 'ECONNREFUSED' });
  worker.send({ act: 'promote' });
  await worker.waitForMessage('ready');
  t.is((await get(socket.port, '/')).body, String(worker.pid));
});

test.serial('a held standby keeps beating, and a SIGTERM ends it with exit 0', async (t) => {
  t.timeout(40_000);
  const worker = startWorker(t, bindSocket(t), { standby: true });
  await worker.waitForMessage('standby');
  const beats = () => worker.messages.filter((m) => m.act === 'heartbeat').length;
  const held = beats();
  await waitUntil(() => beats() >= held + 3, 'heartbeats from the held standby');
  worker.kill('SIGTERM');
  t.like(await worker.waitForExit(), { code: 0, signal: null });
});

test.serial('a held standby whose master is gone does not stay behind', async (t) => {
  t.timeout(40_000);
  const worker = startWorker(t, bindSocket(t), { standby: true });
  await worker.waitForMessage('standby');
  worker.disconnect();
  t.like(await worker.waitForExit(), { signal: null });
});
