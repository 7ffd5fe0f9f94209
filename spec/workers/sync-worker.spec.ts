// Two sync workers on one socket: while one is busy with a slow (timer-based) request, its loop
// is free but its accept gate is closed, so every new connection goes to the idle sibling.
// Without the gate the busy worker would take about half of them: this spec guards the gate.
import test from 'ava';
import { bindSocket } from '../helpers/bound-socket.ts';
import { get } from '../helpers/http-client.ts';
import { within } from '../helpers/wait.ts';
import { startWorker } from '../helpers/worker-harness.ts';

test.serial('a busy sync worker takes no new connection; its idle sibling takes all', async (t) => {
  t.timeout(40_000);
  const socket = bindSocket(t);
  const workers = [1, 2].map((workerId) =>
    startWorker(t, socket, { workerId, workerClass: 'sync' }),
  );
  await Promise.all(workers.map((worker) => worker.waitForMessage('ready')));

  let slowDone = false;
  const slow = get(socket.port, '/slow?ms=2000').finally(() => (slowDone = true));
  const busy = await within(
    Promise.race(workers.map((worker) => worker.waitForStdout('started').then(() => worker))),
    'the slow request to start',
  );

  const quick = await Promise.all(Array.from({ length: 20 }, () => get(socket.port, '/')));
  t.false(slowDone, 'all quick requests completed while the slow one was still running');
  t.false(
    quick.some((response) => response.body === String(busy.pid)),
    'none was served by the busy worker',
  );
  t.true(quick.every((response) => response.headers.connection === 'close'));
  t.is((await slow).body, String(busy.pid));
});

test.serial(
  'every sync response closes its connection, even when the client asks for keep-alive',
  async (t) => {
    t.timeout(30_000);
    const socket = bindSocket(t);
    const worker = startWorker(t, socket, { workerClass: 'sync' });
    await worker.waitForMessage('ready');
    const response = await get(socket.port, '/', { headers: { connection: 'keep-alive' } });
    t.is(response.headers.connection, 'close');
  },
);
