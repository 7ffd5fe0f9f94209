// A worker started as a standby (`standby` in its boot config) loads the app, listens on the
// inherited socket with accept stopped, says `booted` then `standby`, and accepts nothing until
// the master sends `promote`.
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
  // The standby has listened, so the kernel queues the connection, but nobody accepts it: it
  // is still unanswered after several turns of the standby's event loop (its heartbeats).
  let answered = false;
  const early = get(socket.port, '/').finally(() => (answered = true));
  const beats = () => worker.messages.filter((m) => m.act === 'heartbeat').length;
  const before = beats();
  await waitUntil(() => beats() >= before + 5, 'heartbeats from the held standby');
  t.false(answered, 'a held standby answered a request');
  worker.send({ act: 'promote' });
  await worker.waitForMessage('ready');
  // The queued connection is the promoted standby's first.
  t.is((await early).body, String(worker.pid));
  t.is((await get(socket.port, '/')).body, String(worker.pid));
});

test.serial('a standby warms its request path without the app seeing a request', async (t) => {
  t.timeout(40_000);
  const socket = bindSocket(t);
  // recording-app.mjs writes a line on stdout for every request that reaches it.
  const worker = startWorker(t, socket, { standby: true, app: 'recording-app.mjs' });
  await worker.waitForMessage('standby');
  worker.send({ act: 'promote' });
  await worker.waitForMessage('ready');
  t.is((await get(socket.port, '/first')).status, 200);
  await worker.waitForStdout('ended GET /first');
  t.deepEqual(
    worker
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('called')),
    ['called GET /first'],
  );
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
