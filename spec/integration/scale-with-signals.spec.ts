import test from 'ava';
import { childPids, eventually, app, isAlive, startCorral } from './corral-process.ts';

test.serial('TTIN adds a worker and TTOU retires the oldest one', async (t) => {
  const corral = startCorral(t, [app('pid-app.mjs'), '-w', '2', '-b', '127.0.0.1:0']);
  await corral.waitFor(/Ready: 2 workers serving/);
  const [oldest] = corral.workerPids();
  corral.signal('SIGTTIN');
  await corral.waitFor(/Worker count: 2 -> 3/);
  await corral.waitFor(/Worker 3 \(pid:\d+\) ready/);
  corral.signal('SIGTTOU');
  await corral.waitFor(
    new RegExp(`Worker 1 \\(pid:${oldest}\\) exited .* after being asked to stop`),
  );
  await eventually(() => !isAlive(oldest!), 'the oldest worker has exited');
  t.is((await childPids(corral.child.pid!)).length, 2);
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});

test.serial(
  'a burst of 50 TTIN/TTOU leaves the worker count right and the master alive',
  async (t) => {
    const corral = startCorral(t, [app('pid-app.mjs'), '-w', '2', '-b', '127.0.0.1:0']);
    await corral.waitFor(/Ready: 2 workers serving/);
    for (let i = 0; i < 25; i += 1) {
      corral.signal('SIGTTIN');
      corral.signal('SIGTTOU');
    }
    // The kernel merges a signal that is already pending, so fewer than 50 may arrive. WINCH has
    // a higher number than TTIN and TTOU, so it is dequeued after any of them still pending; but
    // two of the master's threads may each take a signal at once and reach libuv's signal pipe in
    // either order. A second WINCH, sent only once the first was handled, closes that window:
    // every signal of the burst was sent before it. (WINCH also stops the workers; the HUP after
    // it brings back as many as the burst left.)
    corral.signal('SIGWINCH');
    await corral.waitFor(/Handling signal: winch/);
    corral.signal('SIGWINCH');
    await corral.waitFor(/Handling signal: winch[\s\S]*Handling signal: winch/);
    const handled = [...corral.output().matchAll(/Handling signal: (ttin|ttou)/g)].map((m) => m[1]);
    t.true(handled.length >= 2, 'some of the burst arrived');
    const expected = handled.reduce(
      (target, signal) => (signal === 'ttin' ? target + 1 : Math.max(1, target - 1)),
      2,
    );
    corral.signal('SIGHUP');
    await corral.waitFor(
      new RegExp(`Reload done: generation 2 serving with ${expected} workers`),
      60_000,
    );
    await eventually(
      async () => (await childPids(corral.child.pid!)).length === expected,
      `${expected} workers remain`,
    );
    t.true(isAlive(corral.child.pid!));
    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
  },
);
