import test from 'ava';
import { eventually, app, isAlive, startCorral } from './corral-process.ts';

test.serial('workers exit on their own within seconds when the master is SIGKILLed', async (t) => {
  const corral = startCorral(t, [app('pid-app.mjs'), '-w', '2', '-b', '127.0.0.1:0']);
  await corral.waitFor(/Ready: 2 workers serving/);
  const workers = corral.workerPids();
  corral.signal('SIGKILL');
  await corral.exited;
  await eventually(
    () => workers.every((pid) => !isAlive(pid)),
    'every orphaned worker has exited',
    15_000,
  );
  t.pass();
});
