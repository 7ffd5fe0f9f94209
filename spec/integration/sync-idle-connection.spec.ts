// One sync worker (-k sync -w 1) and a client that connects and sends nothing. Gunicorn's sync
// worker would be pinned by it until its timeout killed the worker; corral's answers the next
// client, and --headers-timeout closes the idle connection with 408.
import test from 'ava';
import { openRawConnection, socketFdCount } from '../helpers/raw-client.ts';
import { app, eventually, get, startCorral } from './corral-process.ts';

test.serial('an idle connection neither pins a sync worker nor stays open', async (t) => {
  t.timeout(90_000);
  const corral = startCorral(t, [
    app('pid-app.mjs'),
    ...['-k', 'sync', '-w', '1', '--headers-timeout', '3', '-b', '127.0.0.1:0'],
  ]);
  const port = await corral.port();
  await corral.waitFor(/Ready: 1 workers? serving/);
  const [workerPid = 0] = corral.workerPids();
  const before = await socketFdCount(workerPid);
  const idle = await openRawConnection(t, port);
  await eventually(
    async () => (await socketFdCount(workerPid)) > before,
    'the worker to accept the idle connection',
  );

  const response = await get(port, '/', { headers: { connection: 'close' } });
  t.is(response.status, 200);
  t.is(response.body, String(workerPid));
  await idle.closedByServer;
  t.regex(idle.received(), /^(HTTP\/1\.1 408 [^]*)?$/, 'closed, with a 408 if anything');
  t.log(`the idle connection got ${JSON.stringify(idle.received().split('\r\n')[0])}`);
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});
