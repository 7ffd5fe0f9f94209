// SIGQUIT and SIGINT stop a worker quickly: in-flight requests are cut and the worker exits 0
// without waiting for them (the slow request here would take a minute).
import test from 'ava';
import { bindSocket } from '../helpers/bound-socket.ts';
import { get } from '../helpers/http-client.ts';
import { startWorker } from '../helpers/worker-harness.ts';

for (const signal of ['SIGQUIT', 'SIGINT'] as const) {
  test.serial(`${signal} cuts in-flight requests and exits 0`, async (t) => {
    t.timeout(30_000);
    const socket = bindSocket(t);
    const worker = startWorker(t, socket);
    await worker.waitForMessage('ready');

    const cut = t.throwsAsync(get(socket.port, '/slow?ms=60000'));
    await worker.waitForStdout('started');
    worker.kill(signal);

    t.like(await worker.waitForExit(), { code: 0, signal: null });
    await cut;
  });
}

test.serial('SIGQUIT during a graceful stop turns it into a quick one', async (t) => {
  t.timeout(30_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket);
  await worker.waitForMessage('ready');

  const cut = t.throwsAsync(get(socket.port, '/slow?ms=60000'));
  await worker.waitForStdout('started');
  worker.kill('SIGTERM');
  await worker.waitForMessage('stopping');
  worker.kill('SIGQUIT');

  t.like(await worker.waitForExit(), { code: 0, signal: null });
  await cut;
});
