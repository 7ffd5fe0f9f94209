import test from 'ava';
import { app, get, startCorral } from './corral-process.ts';

test.serial(
  'a sync worker busy with a slow request leaves new connections to its idle sibling',
  async (t) => {
    const corral = startCorral(t, [
      app('pid-app.mjs'),
      '-k',
      'sync',
      '-w',
      '2',
      '-b',
      '127.0.0.1:0',
    ]);
    const port = await corral.port();
    await corral.waitFor(/Ready: 2 workers serving/);
    let slowDoneAt = 0;
    const slow = get(port, '/slow?ms=2000').then((response) => {
      slowDoneAt = performance.now();
      return response;
    });
    const [, busyPid] = await corral.waitFor(/slow request started in (\d+)/);
    const quick = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const response = await get(port, '/', { headers: { connection: 'close' } });
        return { ...response, at: performance.now() };
      }),
    );
    const slowResponse = await slow;
    t.is(slowResponse.status, 200);
    t.is(slowResponse.headers.get('connection'), 'close', 'sync workers close every connection');
    for (const response of quick) {
      t.is(response.status, 200);
      t.not(response.body, busyPid, 'the busy worker took no quick request');
      t.true(response.at < slowDoneAt, 'every quick request finished before the slow one');
    }
    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
  },
);
