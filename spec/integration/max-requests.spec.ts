// --max-requests with the real CLI: a worker that has served its requests asks to be replaced;
// the replacement is ready before the old worker is stopped, and no request fails meanwhile.
import test from 'ava';
import { get } from '../helpers/http-client.ts';
import { app, DEADLINE_MS, startCorral } from './corral-process.ts';

test.serial('a worker is replaced after max-requests, with no gap in serving', async (t) => {
  const corral = startCorral(t, [
    app('pid-app.mjs'),
    '-w',
    '1',
    '--max-requests',
    '3',
    '--max-requests-jitter',
    '0',
    '-b',
    '127.0.0.1:0',
  ]);
  const port = await corral.port();
  await corral.waitFor(/Ready: 1 worker serving/);
  const [first] = corral.workerPids();
  const oldExited = new RegExp(`Worker 1 \\(pid:${first}\\) exited \\(code 0\\)`);

  // A new connection per request, one after another, until the old worker is gone.
  const statuses: number[] = [];
  const servedBy = new Set<number>();
  const deadline = Date.now() + DEADLINE_MS;
  while (!oldExited.test(corral.output())) {
    if (Date.now() > deadline) return t.fail(`the old worker never left:\n${corral.output()}`);
    const response = await get(port, '/');
    statuses.push(response.status);
    servedBy.add(Number(response.body));
  }

  t.regex(corral.output(), new RegExp(`worker 1 \\(pid:${first}\\).*served 3 requests`, 'i'));
  const output = corral.output();
  const replacementReady = output.search(/Worker 2 \(pid:\d+\) ready/);
  t.true(replacementReady >= 0, 'a replacement became ready');
  t.true(replacementReady < output.search(oldExited), 'before the old worker was stopped');
  t.true(
    statuses.every((status) => status === 200),
    'no request failed',
  );
  t.true(servedBy.has(first!));
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});
