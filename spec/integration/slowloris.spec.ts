// One async worker (-w 1, the default 1000 connections) under a slowloris attack: hundreds of
// connections that trickle a header byte every second and never finish. A normal client keeps
// getting answers, and the default --headers-timeout (10 s) closes every trickling connection.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { openRawConnection, socketFdCount, type RawConnection } from '../helpers/raw-client.ts';
import { app, eventually, get, startCorral } from './corral-process.ts';

const WANTED = 500;
/** This process holds every trickling socket: stay well below its open-file limit. */
const count = Math.min(WANTED, openFileLimit() - 200);

function openFileLimit(): number {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
  return soft === undefined || soft === 'unlimited' ? Infinity : Number(soft);
}

test.serial(`${count} trickling connections do not starve a normal client`, async (t) => {
  t.timeout(120_000);
  if (count < WANTED) t.log(`ulimit -n allows ${count} trickling connections, not ${WANTED}`);
  const corral = startCorral(t, [app('pid-app.mjs'), '-w', '1', '-b', '127.0.0.1:0']);
  const port = await corral.port();
  await corral.waitFor(/Ready: 1 workers? serving/);
  const [workerPid = 0] = corral.workerPids();
  const before = await socketFdCount(workerPid);

  const trickling = await Promise.all(Array.from({ length: count }, () => trickle(t, port)));
  const stillOpen = () => trickling.filter((connection) => !connection.isClosed()).length;
  await eventually(
    async () => (await socketFdCount(workerPid)) >= before + count,
    'the worker to accept every trickling connection',
  );

  const answers: { status: number; body: string; trickling: number }[] = [];
  while (stillOpen() > 0) {
    const response = await get(port, '/', { headers: { connection: 'close' } });
    answers.push({ ...response, trickling: stillOpen() });
  }
  t.log(`${answers.length} answers while trickling; ${count - stillOpen()} closed by the server`);
  t.true(answers.length > 0);
  t.true(answers.every((answer) => answer.status === 200 && answer.body === String(workerPid)));
  t.is(answers[0]?.trickling, count, 'the first answer came with every trickler connected');

  await Promise.all(trickling.map((connection) => connection.closedByServer));
  const timedOut = trickling.filter((c) => c.received().startsWith('HTTP/1.1 408 ')).length;
  t.log(`${timedOut} of ${count} trickling connections got 408 before the close`);
  t.true(trickling.every((c) => c.received() === '' || /^HTTP\/1\.1 408 /.test(c.received())));
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});

/** A connection that sends a request line and then one header byte a second, forever. */
async function trickle(t: Parameters<typeof openRawConnection>[0], port: number) {
  const connection = await openRawConnection(t, port);
  connection.socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
  const timer = setInterval(() => {
    if (!connection.isClosed()) connection.socket.write('a');
  }, 1_000);
  connection.socket.once('close', () => clearInterval(timer));
  t.teardown(() => clearInterval(timer));
  return connection satisfies RawConnection;
}
