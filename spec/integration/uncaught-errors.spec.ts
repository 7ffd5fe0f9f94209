// An exception thrown from a timer in the real CLI: the worker logs it and is replaced (a new
// pid answers), and a request that was in flight on it when the error happened still completes.
import test from 'ava';
import { get as getKeptOpen } from '../helpers/http-client.ts';
import { app, eventually, get, startCorral } from './corral-process.ts';

test.serial('an uncaught exception replaces the worker after its requests finish', async (t) => {
  t.timeout(90_000);
  const corral = startCorral(t, [app('uncaught-app.mjs'), '-w', '1', '-b', '127.0.0.1:0']);
  const port = await corral.port();
  await corral.waitFor(/Ready: 1 worker serving/);
  const first = Number((await get(port, '/')).body);

  // Held until the worker is told to stop: it is in flight through the whole replacement.
  const held = getKeptOpen(port, '/hold');
  await corral.waitFor(new RegExp(`holding ${first}`));
  t.is((await get(port, '/timer-throw')).body, 'scheduled');

  await corral.waitFor(/Recycling worker 1 .*uncaught exception outside any request/);
  const response = await held;
  t.is(response.status, 200);
  t.is(response.body, `released ${first}`, 'the in-flight request on the old worker completed');
  await corral.waitFor(new RegExp(`Worker 1 \\(pid:${first}\\) exited \\(code 0\\)`));
  await eventually(async () => Number((await get(port, '/')).body) !== first, 'a new pid answers');
  t.regex(corral.output(), /Error: timer blew up\n\s+at /, 'the stack is in the log');

  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});
