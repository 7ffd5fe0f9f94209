// A request handler that throws or rejects costs that request only: the client gets a 500 with
// no stack (or a cut connection if the response had started), the error is logged with the
// method and path, and the worker keeps serving.
import test from 'ava';
import { bindSocket } from '../helpers/bound-socket.ts';
import { get } from '../helpers/http-client.ts';
import { exchange } from '../helpers/raw-exchange.ts';
import { waitUntil } from '../helpers/wait.ts';
import { startWorker } from '../helpers/worker-harness.ts';

test.serial('throws and rejections answer 500, are logged, and the worker serves on', async (t) => {
  t.timeout(30_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket);
  await worker.waitForMessage('ready');

  for (const path of ['/throw', '/reject']) {
    const response = await get(socket.port, path);
    t.is(response.status, 500, path);
    t.is(response.body, 'Internal Server Error\n', path);
    t.false(response.body.includes('blew up'), 'no error detail reaches the client');
  }
  await t.throwsAsync(get(socket.port, '/partial'), undefined, 'a started response is cut');

  await waitUntil(() => worker.stderr().includes('GET /partial failed'), 'the /partial log line');
  t.regex(worker.stderr(), /GET \/throw failed: Error: handler blew up/);
  t.regex(worker.stderr(), /GET \/reject failed: Error: async handler blew up/);
  t.is((await get(socket.port, '/')).body, String(worker.pid));
});

test.serial('over a raw socket: the 500 has no stack, the log has it', async (t) => {
  t.timeout(30_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket);
  await worker.waitForMessage('ready');
  const request = (method: string, path: string) =>
    exchange(socket.port, `${method} ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);

  const thrown = await request('GET', '/throw');
  t.is(thrown.status, 500);
  t.true(thrown.text.endsWith('\r\n\r\nInternal Server Error\n'), 'the body is the status only');
  t.is((await request('POST', '/reject')).status, 500);
  const partial = await request('GET', '/partial');
  t.is(partial.status, 200, 'the headers had gone out');
  t.false(
    partial.text.endsWith('0\r\n\r\n'),
    'the chunked body never ends: the connection was cut',
  );

  await waitUntil(() => worker.stderr().includes('GET /partial failed'), 'the /partial log line');
  t.regex(worker.stderr(), /GET \/throw failed: Error: handler blew up\n\s+at .*pid-app\.mjs/);
  t.regex(worker.stderr(), /POST \/reject failed: Error: async handler blew up/);
  t.is((await request('GET', '/')).status, 200, 'the worker serves on');
});
