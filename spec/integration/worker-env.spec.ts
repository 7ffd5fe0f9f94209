import test from 'ava';
import { app, get, startCorral } from './corral-process.ts';

test.serial('-e sets variables in the workers over the master’s environment', async (t) => {
  const corral = startCorral(
    t,
    [app('identity-app.mjs'), '-b', '127.0.0.1:0', '-e', 'X=a=b', '-e', 'EMPTY='],
    { env: { FROM_MASTER: 'inherited', X: 'from the master' } },
  );
  const port = await corral.port();
  await corral.waitFor(/Ready: 1 worker serving/);
  const { env } = JSON.parse((await get(port)).body) as { env: Record<string, string | null> };
  t.deepEqual(env, { X: 'a=b', EMPTY: '', FROM_MASTER: 'inherited' });
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});
