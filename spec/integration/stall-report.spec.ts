// A worker killed for a heartbeat timeout does not die without a clue: the master's log names
// the request it was serving and the function its event loop is stuck in, then the WORKER
// TIMEOUT line. The same for a worker stuck while importing the app, before its boot timeout.
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { app, get, startCorral } from './corral-process.ts';

const stuckExample = fileURLToPath(new URL('../../examples/stuck.mjs', import.meta.url));

test.serial(
  'a stuck handler: the log names GET /spin and crunchNumbers before the timeout',
  async (t) => {
    const corral = startCorral(t, [stuckExample, '-w', '1', '-t', '2', '-b', '127.0.0.1:0']);
    const port = await corral.port();
    await corral.waitFor(/Ready: 1 worker serving/);
    const [stuck] = corral.workerPids();
    const spinning = get(port, '/spin').catch((error: unknown) => error);

    // Named by its request: a busy machine may starve the worker into an earlier, idle stall.
    const stall = await corral.waitFor(
      /Worker 1 \(pid:(\d+)\) event loop stalled .* while serving GET \/spin \(running [\d.]+ s\).*/,
    );
    t.is(Number(stall[1]), stuck!);
    t.regex(stall[0], /stuck at: crunchNumbers \([^)]*examples\/stuck\.mjs:\d+:\d+\) <- handle /);
    await corral.waitFor(/WORKER TIMEOUT \(pid:\d+\): worker 1 /);
    const output = corral.output();
    t.true(output.indexOf(stall[0]) < output.search(/WORKER TIMEOUT/), 'the stall comes first');

    await corral.waitFor(/Booting worker 2 with pid/);
    await spinning;
    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
  },
);

test.serial(
  'a boot stuck in the app: the log names the loop before the boot timeout',
  async (t) => {
    const corral = startCorral(t, [
      app('hangs-on-boot.mjs'),
      '--boot-timeout',
      '6',
      '-b',
      '127.0.0.1:0',
    ]);
    const stall = await corral.waitFor(/Worker 1 \(pid:\d+\) event loop stalled .*/);
    t.regex(stall[0], /while loading the app; stuck at: .*hangs-on-boot\.mjs:\d+:\d+/);
    await corral.waitFor(/WORKER BOOT TIMEOUT/);
    const output = corral.output();
    t.true(
      output.indexOf(stall[0]) < output.search(/WORKER BOOT TIMEOUT/),
      'the stall comes first',
    );
    t.is((await corral.exited).code, 3);
  },
);
