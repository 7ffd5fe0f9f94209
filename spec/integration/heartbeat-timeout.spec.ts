import test from 'ava';
import { app, get, startCorral } from './corral-process.ts';

test.serial(
  'a worker whose event loop is stuck is aborted, killed, named in the log and replaced',
  async (t) => {
    const corral = startCorral(t, [app('pid-app.mjs'), '-w', '1', '-t', '2', '-b', '127.0.0.1:0']);
    const port = await corral.port();
    await corral.waitFor(/Ready: 1 worker serving/);
    const [stuck] = corral.workerPids();
    const spinning = get(port, '/spin').catch((error: unknown) => error);
    const timeout = await corral.waitFor(
      /WORKER TIMEOUT \(pid:(\d+)\): worker 1 .* sent no heartbeat for 2 s; corral is killing it/,
    );
    t.is(Number(timeout[1]), stuck!);
    await corral.waitFor(
      new RegExp(`Worker 1 \\(pid:${stuck}\\) was killed by corral after a heartbeat timeout`),
    );
    t.notRegex(corral.output(), /out-of-memory/, 'a timeout kill is not blamed on memory');
    await corral.waitFor(/Booting worker 2 with pid/);
    await spinning;
    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
  },
);
