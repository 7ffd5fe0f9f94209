// A sync worker and a client that connects and sends nothing (a browser's preconnect, a
// slowloris). Gunicorn's sync worker is pinned by it until its timeout; corral's goes on
// accepting once the connection has not started a request for a second, and still never runs
// two requests at once.
import test, { type ExecutionContext } from 'ava';
import type { WorkerHttpConfig } from '../../protocol/worker-boot.ts';
import { bindSocket } from '../helpers/bound-socket.ts';
import { get } from '../helpers/http-client.ts';
import { acceptedBy, openRawConnection, socketFdCount } from '../helpers/raw-client.ts';
import { within } from '../helpers/wait.ts';
import { defaultHttpConfig, startWorker } from '../helpers/worker-harness.ts';

// Far beyond every deadline here: the headers timeout cannot close the idle connection, so
// whatever the worker does next, it does with the idle connection still open.
const http: WorkerHttpConfig = { ...defaultHttpConfig, headersTimeoutMs: 120_000 };

/** A sync worker of `app`, and a connection it has accepted (not merely queued) that is idle. */
async function workerWithIdleConnection(t: ExecutionContext, app: string) {
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { workerClass: 'sync', app, http });
  await worker.waitForMessage('ready');
  const before = await socketFdCount(worker.pid);
  const idle = await openRawConnection(t, socket.port);
  await acceptedBy(worker.pid, before);
  return { worker, port: socket.port, idle };
}

test.serial('a request behind an idle connection is answered while it stays open', async (t) => {
  t.timeout(60_000);
  const { worker, port, idle } = await workerWithIdleConnection(t, 'pid-app.mjs');
  const response = await within(get(port, '/'), 'the request behind the idle connection');
  t.is(response.status, 200);
  t.is(response.body, String(worker.pid));
  t.false(idle.isClosed(), 'the idle connection was still open');
});

test.serial('a held connection that sends its request waits for the one in flight', async (t) => {
  t.timeout(60_000);
  const { worker, port, idle } = await workerWithIdleConnection(t, 'concurrency-app.mjs');
  const slow = get(port, '/slow?ms=1500');
  await worker.waitForStdout('started');
  idle.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  await within(idle.closedByServer, 'the held request to be answered');
  t.is((await slow).body, '0');
  t.regex(idle.received(), /^HTTP\/1\.1 200 /);
  t.true(idle.received().endsWith('\r\n\r\n0'), 'no other request was in flight when it began');
});
