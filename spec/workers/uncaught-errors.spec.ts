// The uncaught-error policy in a real worker, with no master to act on it: the first error
// outside any request is logged and becomes a `recycle` request while the worker keeps
// serving; a second one ends the worker at once with code 1.
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { bindSocket } from '../helpers/bound-socket.ts';
import { get } from '../helpers/http-client.ts';
import { startWorker } from '../helpers/worker-harness.ts';

const fixtures = fileURLToPath(new URL('../fixtures/integration/', import.meta.url));

test.serial('a first uncaught error asks for a replacement, a second one exits', async (t) => {
  t.timeout(60_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { app: 'uncaught-app.mjs', cwd: fixtures });
  await worker.waitForMessage('ready');

  t.is((await get(socket.port, '/timer-throw')).body, 'scheduled');
  const recycle = await worker.waitForMessage('recycle');
  t.is(recycle.reason, 'uncaught');
  t.regex(recycle.detail, /uncaught exception outside any request: Error: timer blew up/);
  t.regex(worker.stderr(), /uncaught exception outside any request.*Error: timer blew up\n\s+at /s);
  t.is((await get(socket.port, '/')).body, String(worker.pid), 'it keeps serving meanwhile');

  await get(socket.port, '/reject-later');
  t.like(await worker.waitForExit(), { code: 1 });
  t.regex(
    worker.stderr(),
    /second unhandled rejection while waiting to be replaced.*nobody caught this/s,
  );
});
