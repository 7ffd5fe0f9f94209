import test from 'ava';
import { app, eventually, get, isAlive, startCorral } from './corral-process.ts';

test.serial(
  'a SIGKILLed worker is replaced by the standby, which serves next; then a new standby boots',
  async (t) => {
    t.plan(6);
    const args = [app('pid-app.mjs'), '-w', '1', '--standby', '1', '-b', '127.0.0.1:0'];
    const corral = startCorral(t, args);
    const port = await corral.port();
    await corral.waitFor(/Ready: 1 worker serving/);
    const held = await corral.waitFor(/Standby worker 2 \(pid:(\d+)\) ready/);
    const standby = Number(held[1]);
    const answers = new Set<string>();
    for (let i = 0; i < 5; i += 1) answers.add((await get(port)).body);
    const [serving] = [...answers].map(Number);
    t.deepEqual([...answers], [String(serving)], 'one worker serves; the held standby does not');
    t.not(serving, standby);

    process.kill(serving!, 'SIGKILL');
    await corral.waitFor(
      new RegExp(`Promoted standby worker 2 \\(pid:${standby}\\) in place of worker 1`),
    );
    await corral.waitFor(new RegExp(`Worker 2 \\(pid:${standby}\\) ready`));
    t.is(Number((await get(port)).body), standby, 'the standby serves next');

    const booted = await corral.waitFor(/Booting worker 3 with pid: (\d+) \(standby\)/);
    await corral.waitFor(/Standby worker 3 \(pid:\d+\) ready/);
    const output = corral.output();
    t.true(
      output.indexOf(`Worker 2 (pid:${standby}) ready`) < output.indexOf('Booting worker 3'),
      'the new standby boots only once the promoted one serves',
    );
    const next = Number(booted[1]);
    t.true(isAlive(next));

    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
    await eventually(() => !isAlive(standby) && !isAlive(next), 'every worker has exited');
  },
);
