import test from 'ava';
import { startArbiter } from './arbiter-harness.ts';

const crash = (a: ReturnType<typeof startArbiter>, workerId: number) => a.fakes.exit(workerId, 1);

test('crashes within the restart budget are replaced at once', (t) => {
  const a = startArbiter(1, { policy: { intensity: 3 } });
  a.readyAll();
  for (let id = 1; id <= 3; id += 1) {
    crash(a, id);
    t.is(a.fakes.get(id + 1).alive, true, `crash ${id} was replaced at once`);
    a.fakes.ready(id + 1);
  }
  t.deepEqual(a.ofType('restart.delayed'), []);
});

test('past the budget restarts wait with a growing backoff, then the master gives up with exit 1', (t) => {
  const a = startArbiter(1, { policy: { intensity: 1, periodMs: 60_000, backoffMaxMs: 4_000 } });
  a.readyAll();
  crash(a, 1);
  a.fakes.ready(2);
  crash(a, 2);
  t.is(a.fakes.all().length, 2, 'the second crash is not replaced at once');
  const first = a.ofType('restart.delayed')[0]!;
  t.true(first.delayMs >= 750 && first.delayMs <= 1_250, 'about 1 s, with jitter');
  a.clock.increment(first.delayMs);
  t.is(a.fakes.all().length, 3, 'replaced after the wait');
  crash(a, 3);
  const second = a.ofType('restart.delayed')[1]!;
  t.true(second.delayMs >= 1_500 && second.delayMs <= 2_500, 'the wait doubles');
  a.clock.increment(second.delayMs);
  crash(a, 4);
  const third = a.ofType('restart.delayed')[2]!;
  t.true(third.delayMs >= 3_000 && third.delayMs <= 5_000, 'up to the limit');
  a.clock.increment(third.delayMs);
  crash(a, 5);
  t.is(a.actor.getSnapshot().status, 'done');
  t.is(a.actor.getSnapshot().output?.exitCode, 1);
  t.regex(a.actor.getSnapshot().output?.reason ?? '', /crash loop/);
});

test('the budget recovers once the period has passed without crashes', (t) => {
  const a = startArbiter(1, { policy: { intensity: 1, periodMs: 10_000 } });
  a.readyAll();
  crash(a, 1);
  a.fakes.ready(2);
  a.clock.increment(10_000);
  a.fakes.heartbeat(2);
  crash(a, 2);
  t.is(a.fakes.get(3).alive, true, 'replaced at once again');
  t.deepEqual(a.ofType('restart.delayed'), []);
});

test('after start-up a boot failure falls under the restart policy instead of halting', (t) => {
  const a = startArbiter(1);
  a.readyAll();
  crash(a, 1);
  a.fakes.get(2).send({ type: 'ipc.boot-failed', exitCode: 3, reason: 'ENOENT' });
  a.fakes.exit(2, 3);
  t.is(a.actor.getSnapshot().status, 'active');
  t.is(a.fakes.get(3).alive, true);
});

test('a stall report from a worker is passed on to observers', (t) => {
  const a = startArbiter(1);
  a.readyAll();
  const report = {
    act: 'stall' as const,
    stalledMs: 1_500,
    phase: 'serving' as const,
    stack: [],
    inFlight: [],
  };
  a.fakes.get(1).send({ type: 'ipc.stall', report });
  t.like(a.ofType('worker.stall')[0], { workerId: 1, pid: 1001, report });
});

test('USR2 starts one upgrade at a time and notes when the new master exits', (t) => {
  const a = startArbiter(1);
  a.readyAll();
  a.actor.send({ type: 'signal.usr2' });
  a.actor.send({ type: 'signal.usr2' });
  t.is(a.upgrades.length, 1);
  t.regex(a.ofType('upgrade.refused')[0]?.reason ?? '', /already/);
  a.upgrades[0]!({ type: 'upgrade.started', pid: 4242 });
  t.like(a.ofType('upgrade.started')[0], { pid: 4242 });
  a.upgrades[0]!({ type: 'upgrade.exited', pid: 4242, code: 1, signal: null });
  t.like(a.ofType('upgrade.exited')[0], { pid: 4242, code: 1 });
  a.actor.send({ type: 'signal.usr2' });
  t.is(a.upgrades.length, 2, 'a new upgrade may start once the last one ended');
});

/** Boots worker `id`, lets it run for `upMs`, then crashes it; returns the next worker's id. */
function crashAfterBoot(a: ReturnType<typeof startArbiter>, id: number, upMs: number): number {
  a.fakes.ready(id);
  a.clock.increment(upMs);
  crash(a, id);
  return id + 1;
}

test('with the defaults a worker that crashes half a second after every boot reaches give-up', (t) => {
  const a = startArbiter(1);
  let id = 1;
  for (let round = 0; round < 100 && a.actor.getSnapshot().status === 'active'; round += 1) {
    id = crashAfterBoot(a, id, 500);
    const delayed = a.ofType('restart.delayed');
    // While a wait runs nothing is spawned; let the wait pass.
    if (!a.fakes.all().some((f) => f.workerId === id)) a.clock.increment(delayed.at(-1)!.delayMs);
  }
  t.is(a.actor.getSnapshot().status, 'done', 'the master gave up');
  t.is(a.actor.getSnapshot().output?.exitCode, 1);
  t.regex(a.actor.getSnapshot().output?.reason ?? '', /crash loop/);
  const waits = a.ofType('restart.delayed').map((e) => e.delayMs);
  t.is(waits.length, 6, 'waits of about 1, 2, 4, 8, 16 and 30 s, never a fresh budget');
  for (let i = 1; i < waits.length; i += 1)
    t.true(waits[i]! > waits[i - 1]!, 'each wait is longer');
  t.is(a.fakes.all().length, 5 + 6 + 1, 'the first worker, 5 restarts at once, 6 after a wait');
});

test('after a backoff the budget is whole again only once a replacement stayed up for a period', (t) => {
  const a = startArbiter(1, { policy: { intensity: 1, periodMs: 10_000, backoffMaxMs: 30_000 } });
  let id = crashAfterBoot(a, 1, 500);
  id = crashAfterBoot(a, id, 500);
  a.clock.increment(a.ofType('restart.delayed')[0]!.delayMs);
  a.fakes.ready(id);
  a.clock.increment(9_000);
  crash(a, id);
  t.is(a.ofType('restart.delayed').length, 2, 'up for less than a period: still waiting');
  a.clock.increment(a.ofType('restart.delayed')[1]!.delayMs);
  id += 1;
  a.fakes.ready(id);
  a.clock.increment(10_000);
  crash(a, id);
  t.is(a.ofType('restart.delayed').length, 2, 'up for a whole period: replaced at once');
  t.true(a.fakes.get(id + 1).alive);
});
