import test from 'ava';
import { childPids, eventually, app, get, isAlive, startCorral } from './corral-process.ts';

test.serial('serves HTTP from two workers and stops gracefully on TERM with exit 0', async (t) => {
  const corral = startCorral(t, [app('pid-app.mjs'), '-w', '2', '-b', '127.0.0.1:0']);
  const port = await corral.port();
  await corral.waitFor(/Ready: 2 workers serving/);
  const workers = corral.workerPids();
  t.is(workers.length, 2);
  t.deepEqual(
    (await childPids(corral.child.pid!)).sort(),
    [...workers].sort(),
    'the master forked exactly the announced workers',
  );

  const { status, body } = await get(port);
  t.is(status, 200);
  t.true(workers.includes(Number(body)), 'a worker, not the master, answered');

  corral.signal('SIGTERM');
  const { code } = await corral.exited;
  t.is(code, 0);
  t.regex(corral.output(), /Handling signal: term/);
  t.regex(corral.output(), /Shutting down: Master/);
  await eventually(() => workers.every((pid) => !isAlive(pid)), 'every worker has exited');
});

test.serial('an in-flight request finishes during a graceful stop', async (t) => {
  const corral = startCorral(t, [app('pid-app.mjs'), '-w', '1', '-b', '127.0.0.1:0']);
  const port = await corral.port();
  await corral.waitFor(/Ready: 1 worker serving/);
  const slow = get(port, '/slow?ms=1500');
  await corral.waitFor(/slow request started/);
  corral.signal('SIGTERM');
  const response = await slow;
  t.is(response.status, 200);
  t.is((await corral.exited).code, 0);
});

for (const signal of ['SIGINT', 'SIGQUIT'] as const) {
  test.serial(`${signal} stops quickly with exit 0 and leaves no worker behind`, async (t) => {
    const corral = startCorral(t, [app('pid-app.mjs'), '-w', '2', '-b', '127.0.0.1:0']);
    await corral.waitFor(/Ready: 2 workers serving/);
    const workers = corral.workerPids();
    corral.signal(signal);
    t.is((await corral.exited).code, 0);
    t.regex(corral.output(), /Stopping workers quickly/);
    await eventually(() => workers.every((pid) => !isAlive(pid)), 'every worker has exited');
  });
}
