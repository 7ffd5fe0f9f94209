import test from 'ava';
import { readFile } from 'node:fs/promises';
import { commandLineOf } from '../helpers/proc-files.ts';
import { app, startCorral } from './corral-process.ts';

test.serial('-n names the master and the workers in their titles', async (t) => {
  const corral = startCorral(t, [app('pid-app.mjs'), '-b', '127.0.0.1:0', '-w', '2', '-n', 'shop']);
  await corral.waitFor(/Ready: 2 workers serving/);
  t.is(await commandLineOf(corral.child.pid!), 'corral: master [shop]');
  for (const pid of corral.workerPids()) {
    t.is(await commandLineOf(pid), 'corral: worker [shop]');
  }
  // Linux also gives the title to the 15-character command name `top` and `ps -o comm` show.
  t.is((await readFile(`/proc/${corral.child.pid!}/comm`, 'utf8')).trim(), 'corral: master');
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});

test.serial('without -n the name is APP_MODULE as given', async (t) => {
  const module = app('pid-app.mjs');
  const corral = startCorral(t, [module, '-b', '127.0.0.1:0']);
  await corral.waitFor(/Ready: 1 worker serving/);
  t.is(await commandLineOf(corral.child.pid!), `corral: master [${module}]`);
  t.is(await commandLineOf(corral.workerPids()[0]!), `corral: worker [${module}]`);
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});

test.serial('a title longer than the command line that started the process is cut', async (t) => {
  // A worker's command line has room for a title of 512 characters, far shorter than this.
  const name = 'x'.repeat(2000);
  const corral = startCorral(t, [app('pid-app.mjs'), '-b', '127.0.0.1:0', '-n', name]);
  await corral.waitFor(/Ready: 1 worker serving/);
  const shown = await commandLineOf(corral.workerPids()[0]!);
  const title = `corral: worker [${name}]`;
  t.true(shown.length < title.length, 'cut');
  t.true(title.startsWith(shown), 'from the end');
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});
