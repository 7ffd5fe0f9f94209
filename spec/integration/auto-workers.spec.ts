import test from 'ava';
import { availableCores } from '../../settings/available-cores.ts';
import { app, childPids, startCorral } from './corral-process.ts';

test.serial('-w auto -k sync starts 2 × cores + 1 workers and says how it counted', async (t) => {
  const cores = availableCores();
  const expected = 2 * cores + 1;
  const corral = startCorral(t, [
    app('pid-app.mjs'),
    '-b',
    '127.0.0.1:0',
    '-w',
    'auto',
    '-k',
    'sync',
  ]);
  await corral.waitFor(new RegExp(`Ready: ${expected} workers serving`));
  t.regex(corral.output(), new RegExp(`Workers: auto → ${expected} \\(${cores} cores? available`));
  t.is((await childPids(corral.child.pid!)).length, expected);
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});
