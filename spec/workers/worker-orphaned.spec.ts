// When the master disappears (its end of the IPC channel closes) the worker does not outlive it:
// it stops gracefully, bounded by orphanGraceMs. When the app closes the channel itself, the
// worker stops the same way and exits 5, which tells the master why it can no longer hear it.
import test from 'ava';
import { bindSocket } from '../helpers/bound-socket.ts';
import { get } from '../helpers/http-client.ts';
import { startWorker } from '../helpers/worker-harness.ts';

test.serial('an idle worker exits 0 when the channel closes', async (t) => {
  t.timeout(30_000);
  const worker = startWorker(t, bindSocket(t));
  await worker.waitForMessage('ready');
  worker.disconnect();
  t.like(await worker.waitForExit(), { code: 0, signal: null });
});

test.serial('a busy worker waits orphanGraceMs for its requests, then exits anyway', async (t) => {
  t.timeout(30_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { orphanGraceMs: 300 });
  await worker.waitForMessage('ready');

  const cut = t.throwsAsync(get(socket.port, '/slow?ms=60000'));
  await worker.waitForStdout('started');
  worker.disconnect();

  t.like(await worker.waitForExit(), { code: 1, signal: null });
  await cut;
});

test.serial('a busy worker whose request finishes within the grace exits 0', async (t) => {
  t.timeout(30_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { orphanGraceMs: 15_000 });
  await worker.waitForMessage('ready');

  const slow = get(socket.port, '/slow?ms=500');
  await worker.waitForStdout('started');
  worker.disconnect();

  t.is((await slow).body, String(worker.pid));
  t.like(await worker.waitForExit(), { code: 0, signal: null });
});

test.serial('a worker whose app closes the channel says so and exits 5', async (t) => {
  t.timeout(30_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { app: 'disconnecting-app.mjs' });
  await worker.waitForMessage('ready');
  t.is((await get(socket.port, '/disconnect')).body, String(worker.pid));
  t.like(await worker.waitForExit(), { code: 5, signal: null });
  t.regex(worker.stderr(), /The app closed this worker's IPC channel to the master/);
});
