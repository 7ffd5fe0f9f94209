import test from 'ava';
import { eventually, app, get, isAlive, startCorral } from './corral-process.ts';

test.serial(
  'a worker killed from outside is replaced, and the log does not blame a timeout',
  async (t) => {
    const corral = startCorral(t, [app('pid-app.mjs'), '-w', '2', '-b', '127.0.0.1:0']);
    const port = await corral.port();
    await corral.waitFor(/Ready: 2 workers serving/);
    const [victim] = corral.workerPids();
    process.kill(victim!, 'SIGKILL');
    await corral.waitFor(
      new RegExp(`\\(pid:${victim}\\) was killed with SIGKILL by something other than corral`),
    );
    await corral.waitFor(/Booting worker 3 with pid/);
    await eventually(
      () => corral.workerPids().filter(isAlive).length === 2,
      'two live workers again',
    );
    t.is((await get(port)).status, 200);
    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
  },
);

test.serial('a worker that exits with an error code is replaced', async (t) => {
  const corral = startCorral(t, [app('pid-app.mjs'), '-w', '1', '-b', '127.0.0.1:0']);
  const port = await corral.port();
  await corral.waitFor(/Ready: 1 worker serving/);
  const [first] = corral.workerPids();
  await get(port, '/exit?code=7').catch(() => undefined);
  await corral.waitFor(new RegExp(`Worker 1 \\(pid:${first}\\) exited with code 7`));
  await corral.waitFor(/Booting worker 2 with pid/);
  // The master keeps the socket listening, so this waits in the backlog for the replacement.
  const { body } = await get(port);
  t.not(Number(body), first);
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});
