// SIGTERM stops a worker gracefully: it tells the master, stops accepting (a sibling on the same
// socket takes the new connections), finishes the in-flight request with `Connection: close`,
// and exits 0 once its connections are gone.
import test from 'ava';
import http from 'node:http';
import { bindSocket } from '../helpers/bound-socket.ts';
import { get } from '../helpers/http-client.ts';
import { within } from '../helpers/wait.ts';
import { startWorker } from '../helpers/worker-harness.ts';

test.serial(
  'finishes the in-flight request, hands new connections to a sibling, exits 0',
  async (t) => {
    t.timeout(40_000);
    const socket = bindSocket(t);
    const workers = [1, 2].map((workerId) => startWorker(t, socket, { workerId }));
    await Promise.all(workers.map((worker) => worker.waitForMessage('ready')));

    // A keep-alive request whose handler answers after a timer; whichever worker takes it stops.
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
    t.teardown(() => keepAlive.destroy());
    const slow = get(socket.port, '/slow?ms=1500', { agent: keepAlive });
    const busy = await within(
      Promise.race(workers.map((worker) => worker.waitForStdout('started').then(() => worker))),
      'the slow request to start',
    );
    const sibling = workers.find((worker) => worker !== busy);
    if (sibling === undefined) throw new Error('no sibling');

    busy.kill('SIGTERM');
    const stopping = await busy.waitForMessage('stopping');
    t.is(stopping.inFlight, 1);

    const quick = await Promise.all(Array.from({ length: 10 }, () => get(socket.port, '/')));
    t.deepEqual(
      quick.map((response) => response.body),
      quick.map(() => String(sibling.pid)),
    );

    const slowResponse = await slow;
    t.is(slowResponse.status, 200);
    t.is(slowResponse.body, String(busy.pid));
    t.is(slowResponse.headers.connection, 'close');
    t.like(await busy.waitForExit(), { code: 0, signal: null });
  },
);

test.serial('an idle keep-alive connection is closed by the stop', async (t) => {
  t.timeout(40_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { keepAliveMs: 60_000 });
  await worker.waitForMessage('ready');

  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => keepAlive.destroy());
  const first = await get(socket.port, '/', { agent: keepAlive });
  t.is(first.headers.connection, 'keep-alive');

  // The worker can only exit once that connection is gone, long before its 60 s timeout.
  worker.kill('SIGTERM');
  t.is((await worker.waitForMessage('stopping')).inFlight, 0);
  t.like(await worker.waitForExit(), { code: 0, signal: null });
});

test.serial('a keep-alive response whose headers were sent: closed after it ends', async (t) => {
  t.timeout(40_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { keepAliveMs: 60_000 });
  await worker.waitForMessage('ready');

  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => keepAlive.destroy());
  const streamed = get(socket.port, '/slow-streamed?ms=1000', { agent: keepAlive });
  await worker.waitForStdout('started');
  worker.kill('SIGTERM');

  const response = await streamed;
  t.is(response.body, `${worker.pid} done`);
  t.is(response.headers.connection, 'keep-alive', 'sent before the stop began');
  t.like(await worker.waitForExit(), { code: 0, signal: null });
});
