// Faults while a steady load runs against `corral -w 4` (async and sync): workers SIGKILLed in a
// row, TTIN/TTOU and HUP storms. The master survives, the count comes back, and the only failed
// requests are those of connections on a killed worker; the storms fail none.
import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLoad } from '../../helpers/steady-load.ts';
import { app, childPids, eventually, isAlive, startCorral } from '../corral-process.ts';
import { recoveredThenStop, servedMore } from './recovered.ts';
import { scale } from './scale.ts';

const WORKERS = 4;
const CONNECTIONS = scale.connections;

for (const workerClass of ['async', 'sync'] as const) {
  test.serial(
    `${workerClass}: a worker SIGKILLed every 200 ms for ${scale.killSeconds} s, under load`,
    async (t) => {
      t.timeout(scale.timeoutMs);
      const corral = startCorral(t, [
        app('pid-app.mjs'),
        '-w',
        String(WORKERS),
        '-k',
        workerClass,
        // Twenty kills in four seconds are a crash loop by the default budget; here they are the
        // test, and each must be replaced at once.
        '--restart-intensity',
        '100',
        '-b',
        '127.0.0.1:0',
      ]);
      const port = await corral.port();
      await corral.waitFor(/Ready: 4 workers serving/);
      const master = corral.child.pid!;
      const load = startLoad(t, port, CONNECTIONS);
      await eventually(() => load.ok() > 100, 'the load to get going');
      let bound = 0;
      let kills = 0;
      for (let i = 0; i < scale.killSeconds * 5; i += 1) {
        const workers = await childPids(master);
        const victim = workers[Math.floor(Math.random() * workers.length)];
        if (victim !== undefined) {
          bound += load.boundTo(victim);
          process.kill(victim, 'SIGKILL');
          kills += 1;
        }
        await sleep(200);
      }
      const result = await recoveredThenStop(load, master, WORKERS);
      t.log(
        `${kills} kills; ${result.failed} failed of ${result.ok + result.failed}; ${bound} connections were on a killed worker at its kill`,
      );
      t.true(isAlive(master));
      t.true(
        result.failed <= bound,
        `failed ${result.failed} > bound ${bound}: ${result.errors.join('; ')}`,
      );
      const logged = corral.output().match(/was killed with SIGKILL/g)?.length ?? 0;
      t.is(logged, kills, 'every kill has its line');
      corral.signal('SIGTERM');
      t.is((await corral.exited).code, 0);
    },
  );
}

test.serial(
  'a storm of 100 TTIN and TTOU under load: the count ends right, nothing fails',
  async (t) => {
    t.timeout(scale.timeoutMs);
    const corral = startCorral(t, [app('pid-app.mjs'), '-w', String(WORKERS), '-b', '127.0.0.1:0']);
    const port = await corral.port();
    await corral.waitFor(/Ready: 4 workers serving/);
    const load = startLoad(t, port, CONNECTIONS);
    let expected = WORKERS;
    for (let i = 0; i < 100; i += 1) {
      // A random walk kept between 2 and 8 workers, so that the storm does not outgrow 2 cores.
      const up = expected <= 2 || (expected < 8 && Math.random() < 0.5);
      const signal = up ? 'SIGTTIN' : 'SIGTTOU';
      // One at a time: the kernel merges a signal that is still pending.
      const handled = corral.output().match(/Handling signal: tt(in|ou)/g)?.length ?? 0;
      corral.signal(signal);
      await eventually(
        () => (corral.output().match(/Handling signal: tt(in|ou)/g)?.length ?? 0) > handled,
        'the signal handled',
      );
      expected = signal === 'SIGTTIN' ? expected + 1 : Math.max(1, expected - 1);
    }
    await eventually(
      async () => (await childPids(corral.child.pid!)).length === expected,
      `${expected} workers`,
      60_000,
    );
    const result = await load.stop();
    t.log(`${result.ok} requests, ${result.failed} failed; ${expected} workers at the end`);
    t.is(result.failed, 0, result.errors.join('; '));
    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
  },
);

test.serial(
  `a storm of ${scale.hups} HUPs under load, each sent mid-reload: nothing fails`,
  async (t) => {
    t.timeout(scale.timeoutMs);
    const corral = startCorral(t, [app('pid-app.mjs'), '-w', '2', '-b', '127.0.0.1:0']);
    const port = await corral.port();
    await corral.waitFor(/Ready: 2 workers serving/);
    const load = startLoad(t, port, CONNECTIONS);
    for (let i = 1; i <= scale.hups; i += 1) {
      corral.signal('SIGHUP');
      // The next one comes as soon as this one is under way, not once it is done.
      await eventually(
        () => (corral.output().match(/Handling signal: hup/g)?.length ?? 0) >= i,
        `HUP ${i} handled`,
      );
    }
    await corral.waitFor(/Reload done: generation \d+ serving with 2 workers[\s\S]*$/, 120_000);
    await eventually(
      async () => (await childPids(corral.child.pid!)).length === 2,
      '2 workers',
      60_000,
    );
    const result = await load.stop();
    t.log(`${result.ok} requests, ${result.failed} failed`);
    t.is(result.failed, 0, result.errors.join('; '));
    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
  },
);

test.serial(
  'the master SIGSTOPped for 5 s, then SIGCONT: no healthy worker is killed',
  async (t) => {
    t.timeout(scale.timeoutMs);
    const corral = startCorral(t, [app('pid-app.mjs'), '-w', '2', '-t', '2', '-b', '127.0.0.1:0']);
    const port = await corral.port();
    await corral.waitFor(/Ready: 2 workers serving/);
    const master = corral.child.pid!;
    const before = (await childPids(master)).sort();
    const load = startLoad(t, port, CONNECTIONS);
    corral.signal('SIGSTOP');
    // Longer than two timeouts: every worker's timer expires while the master stands still.
    await sleep(5_000);
    corral.signal('SIGCONT');
    // The master is running again once it answers a signal: a TTIN it logs.
    corral.signal('SIGTTIN');
    await corral.waitFor(/Handling signal: ttin/);
    await corral.waitFor(/Worker 3 \(pid:\d+\) ready/);
    const result = await load.stop();
    t.log(`${result.ok} requests while the master was stopped and after, ${result.failed} failed`);
    t.notRegex(corral.output(), /WORKER TIMEOUT/);
    const after = await childPids(master);
    t.true(
      before.every((pid) => after.includes(pid)),
      'the workers from before still serve',
    );
    t.is(result.failed, 0, result.errors.join('; '));
    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
  },
);

test.serial('a worker SIGSTOPped is killed after --timeout and replaced, under load', async (t) => {
  t.timeout(scale.timeoutMs);
  const corral = startCorral(t, [app('pid-app.mjs'), '-w', '2', '-t', '2', '-b', '127.0.0.1:0']);
  const port = await corral.port();
  await corral.waitFor(/Ready: 2 workers serving/);
  const master = corral.child.pid!;
  const load = startLoad(t, port, CONNECTIONS);
  await eventually(() => load.ok() > 100, 'the load to get going');
  const [victim] = await childPids(master);
  const bound = load.boundTo(victim!);
  process.kill(victim!, 'SIGSTOP');
  await corral.waitFor(new RegExp(`WORKER TIMEOUT \\(pid:${victim}\\)`));
  await corral.waitFor(/Worker 3 \(pid:\d+\) ready/);
  await servedMore(load);
  const result = await load.stop();
  t.log(
    `${result.failed} failed of ${result.ok + result.failed}; ${bound} were on the stopped worker`,
  );
  t.false(isAlive(victim!));
  t.true(result.failed <= bound, `failed ${result.failed} > ${bound}: ${result.errors.join('; ')}`);
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});
