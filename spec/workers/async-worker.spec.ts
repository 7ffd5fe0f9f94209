// The async worker class: keep-alive connections are reused, keep-alive 0 closes every
// response, and at `workerConnections` open connections a worker stops accepting so a sibling
// on the same socket takes the next ones (the accept gate, not maxConnections' accept-and-drop).
import test from 'ava';
import http from 'node:http';
import { bindSocket } from '../helpers/bound-socket.ts';
import { get } from '../helpers/http-client.ts';
import { startWorker } from '../helpers/worker-harness.ts';

test.serial('keep-alive connections are reused', async (t) => {
  t.timeout(30_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { keepAliveMs: 5000 });
  await worker.waitForMessage('ready');

  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => keepAlive.destroy());
  const first = await get(socket.port, '/', { agent: keepAlive });
  const second = await get(socket.port, '/', { agent: keepAlive });
  t.is(first.headers.connection, 'keep-alive');
  t.is(second.localPort, first.localPort, 'the second request used the same connection');
});

test.serial('keep-alive 0 closes the connection after each response', async (t) => {
  t.timeout(30_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { keepAliveMs: 0 });
  await worker.waitForMessage('ready');

  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => keepAlive.destroy());
  const first = await get(socket.port, '/', { agent: keepAlive });
  const second = await get(socket.port, '/', { agent: keepAlive });
  t.is(first.headers.connection, 'close');
  t.not(second.localPort, first.localPort);
});

test.serial('at the connection limit a worker leaves new connections to its sibling', async (t) => {
  t.timeout(40_000);
  const socket = bindSocket(t);
  const workers = [1, 2].map((workerId) =>
    startWorker(t, socket, { workerId, workerConnections: 1, keepAliveMs: 30_000 }),
  );
  await Promise.all(workers.map((worker) => worker.waitForMessage('ready')));

  // One held (idle keep-alive) connection puts its worker at the limit of 1.
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => keepAlive.destroy());
  const held = await get(socket.port, '/', { agent: keepAlive });
  const full = held.body;

  const others = [];
  for (let i = 0; i < 10; i++) others.push(await get(socket.port, '/'));
  t.false(
    others.some((response) => response.body === full),
    'no new connection went to the worker at its limit',
  );
  const again = await get(socket.port, '/', { agent: keepAlive });
  t.is(again.body, full, 'the held connection is still served');
  t.is(again.localPort, held.localPort);
});
