import { spawnSync } from 'node:child_process';
import test from 'ava';
import { openNotifySocket, withoutNotifyEnv } from '../../../actors/systemd/notify-socket.ts';
import { attachSystemdNotify } from '../../../actors/systemd/notify.ts';
import { startWatchdog } from '../../../actors/systemd/watchdog.ts';
import { listenDatagrams } from '../../helpers/datagram-listener.ts';
import { startArbiter } from '../../machines/arbiter-harness.ts';

function recordingLog() {
  const warnings: string[] = [];
  return { warnings, warn: (message: string) => warnings.push(message) };
}

test('sends each message as one datagram to a socket path', async (t) => {
  const listener = await listenDatagrams(t);
  const log = recordingLog();
  const socket = openNotifySocket({ log, env: { NOTIFY_SOCKET: listener.address } });
  t.teardown(() => socket?.close());
  socket!.send('READY=1\nSTATUS=2 workers serving (generation 1)');
  socket!.send('STOPPING=1');
  await listener.waitFor((data) => data === 'STOPPING=1');
  t.deepEqual(
    listener.received().map((datagram) => datagram.data),
    ['READY=1\nSTATUS=2 workers serving (generation 1)', 'STOPPING=1'],
  );
  t.deepEqual(log.warnings, []);
});

test('sends to an abstract socket named @name', async (t) => {
  const listener = await listenDatagrams(t, { abstract: true });
  t.true(listener.address.startsWith('@'));
  const socket = openNotifySocket({
    log: recordingLog(),
    env: { NOTIFY_SOCKET: listener.address },
  });
  t.teardown(() => socket?.close());
  socket!.send('READY=1');
  t.is((await listener.waitFor(() => true)).data, 'READY=1');
});

test('a full queue at the receiver keeps every message, in order, until it reads again', async (t) => {
  const listener = await listenDatagrams(t, { paused: true });
  const log = recordingLog();
  const socket = openNotifySocket({ log, env: { NOTIFY_SOCKET: listener.address }, retryMs: 20 });
  t.teardown(() => socket?.close());
  // More than net.unix.max_dgram_qlen (10 by default): the later ones meet EAGAIN and wait.
  const sent = Array.from({ length: 40 }, (_, i) => `STATUS=${i}`);
  for (const message of sent) socket!.send(message);
  listener.resume();
  await listener.waitFor((data) => data === 'STATUS=39');
  t.deepEqual(
    listener.received().map((datagram) => datagram.data),
    sent,
  );
  t.deepEqual(log.warnings, []);
});

test('without NOTIFY_SOCKET there is nothing to open and nothing is said', (t) => {
  const log = recordingLog();
  t.is(openNotifySocket({ log, env: {} }), null);
  t.is(openNotifySocket({ log, env: { NOTIFY_SOCKET: '' } }), null);
  const arbiter = startArbiter(1);
  const detach = attachSystemdNotify(arbiter.actor, { log, env: {} });
  arbiter.readyAll();
  detach();
  t.deepEqual(log.warnings, []);
});

test('NOTIFY_SOCKET set but no native addon: one warning, and the master goes on', (t) => {
  const log = recordingLog();
  const socket = openNotifySocket({
    log,
    env: { NOTIFY_SOCKET: '/run/systemd/notify' },
    load: () => ({ addon: null, reason: 'Cannot find module corral_native.node' }),
  });
  t.is(socket, null);
  t.is(log.warnings.length, 1);
  t.regex(log.warnings[0]!, /NOTIFY_SOCKET is set.*native addon.*corral_native/);
});

test('an address that is neither a path nor @name is refused with a warning', (t) => {
  const log = recordingLog();
  t.is(openNotifySocket({ log, env: { NOTIFY_SOCKET: 'vsock:2:1234' } }), null);
  t.regex(log.warnings[0] ?? '', /vsock:2:1234/);
});

test('a socket nobody listens on warns once per error and drops the messages', (t) => {
  const log = recordingLog();
  const socket = openNotifySocket({ log, env: { NOTIFY_SOCKET: '/nonexistent/corral/notify' } });
  socket!.send('READY=1');
  socket!.send('STATUS=x');
  t.is(log.warnings.length, 1);
  t.regex(log.warnings[0]!, /ENOENT.*READY=1/);
});

test('the arbiter: READY=1 with MAINPID and STATUS, STATUS as the count changes, RELOADING, STOPPING', async (t) => {
  const listener = await listenDatagrams(t);
  const arbiter = startArbiter(2);
  const detach = attachSystemdNotify(arbiter.actor, {
    log: recordingLog(),
    env: { NOTIFY_SOCKET: listener.address },
    pid: 4242,
    statusIntervalMs: 0,
  });
  t.teardown(detach);
  arbiter.readyAll();
  t.is(
    (await listener.waitFor((data) => data.startsWith('READY=1'))).data,
    'READY=1\nMAINPID=4242\nSTATUS=2 workers serving (generation 1)',
  );

  arbiter.actor.send({ type: 'signal.ttin' });
  arbiter.fakes.ready(3);
  await listener.waitFor((data) => data === 'STATUS=3 workers serving (generation 1)');

  const before = process.hrtime.bigint() / 1000n;
  arbiter.actor.send({ type: 'signal.hup' });
  const reloading = await listener.waitFor((data) => data.startsWith('RELOADING=1'));
  const usec = BigInt(/MONOTONIC_USEC=(\d+)/.exec(reloading.data)?.[1] ?? '0');
  t.true(usec >= before && usec <= reloading.monotonicNs / 1000n, 'CLOCK_MONOTONIC µs');

  await new Promise((resolve) => setImmediate(resolve));
  arbiter.readyAll();
  t.regex(
    (
      await listener.waitFor(
        (data) => data.startsWith('READY=1'),
        listener.received().indexOf(reloading),
      )
    ).data,
    /^READY=1\nMAINPID=4242\nSTATUS=3 workers serving \(generation 2\)$/,
  );

  arbiter.actor.send({ type: 'signal.term' });
  t.regex(
    (await listener.waitFor((data) => data.startsWith('STOPPING=1'))).data,
    /^STOPPING=1\nSTATUS=Stopping: /,
  );
});

test('an abandoned reload still ends with READY=1, and STATUS says it failed', async (t) => {
  const listener = await listenDatagrams(t);
  const arbiter = startArbiter(1, { reload: () => new Error('bad config') });
  const detach = attachSystemdNotify(arbiter.actor, {
    log: recordingLog(),
    env: { NOTIFY_SOCKET: listener.address },
    pid: 4242,
  });
  t.teardown(detach);
  arbiter.readyAll();
  arbiter.actor.send({ type: 'signal.hup' });
  const reloading = await listener.waitFor((data) => data.startsWith('RELOADING=1'));
  const ready = await listener.waitFor(
    (data) => data.startsWith('READY=1'),
    listener.received().indexOf(reloading),
  );
  t.is(
    ready.data,
    'READY=1\nMAINPID=4242\nSTATUS=1 worker serving (generation 1); the reload to generation 2 failed',
  );
});

test('USR2: a new master not yet promoted hands the main pid back instead of STOPPING=1', async (t) => {
  const listener = await listenDatagrams(t);
  const arbiter = startArbiter(1);
  const promoted: Array<() => void> = [];
  const detach = attachSystemdNotify(arbiter.actor, {
    log: recordingLog(),
    env: { NOTIFY_SOCKET: listener.address },
    pid: 4343,
    // A live process stands in for the old master: this spec's own.
    role: { oldMaster: () => process.pid, onPromoted: (listener) => promoted.push(listener) },
  });
  t.teardown(detach);
  arbiter.readyAll();
  await listener.waitFor((data) => data.startsWith('READY=1\nMAINPID=4343'));
  arbiter.actor.send({ type: 'signal.term' });
  await listener.waitFor((data) => data === `MAINPID=${process.pid}`);
  t.false(listener.received().some((datagram) => datagram.data.includes('STOPPING=1')));
});

test('USR2: an old master that has exited before the promotion was heard of gets no hand-back', async (t) => {
  const listener = await listenDatagrams(t);
  const arbiter = startArbiter(1);
  const gone = spawnSync(process.execPath, ['-e', '0']).pid;
  const detach = attachSystemdNotify(arbiter.actor, {
    log: recordingLog(),
    env: { NOTIFY_SOCKET: listener.address },
    pid: 4343,
    role: { oldMaster: () => gone, onPromoted: () => undefined },
  });
  t.teardown(detach);
  arbiter.readyAll();
  await listener.waitFor((data) => data.startsWith('READY=1\nMAINPID=4343'));
  arbiter.actor.send({ type: 'signal.term' });
  await listener.waitFor((data) => data.startsWith('STOPPING=1'));
  t.false(listener.received().some((datagram) => datagram.data === `MAINPID=${gone}`));
});

test('USR2: an old master whose new master runs hands the main pid over instead of STOPPING=1', async (t) => {
  const listener = await listenDatagrams(t);
  const arbiter = startArbiter(1);
  const detach = attachSystemdNotify(arbiter.actor, {
    log: recordingLog(),
    env: { NOTIFY_SOCKET: listener.address },
    pid: 4242,
  });
  t.teardown(detach);
  arbiter.readyAll();
  arbiter.actor.send({ type: 'signal.usr2' });
  // This test process stands in for the new master: a pid that is alive.
  arbiter.upgrades[0]!({ type: 'upgrade.started', pid: process.pid });
  arbiter.actor.send({ type: 'signal.term' });
  await listener.waitFor((data) => data === `MAINPID=${process.pid}`);
  t.false(listener.received().some((datagram) => datagram.data.includes('STOPPING=1')));
});

test('the watchdog pings at half of WATCHDOG_USEC, for this pid only', async (t) => {
  const listener = await listenDatagrams(t);
  const socket = openNotifySocket({
    log: recordingLog(),
    env: { NOTIFY_SOCKET: listener.address },
  })!;
  t.teardown(() => socket.close());
  const env: NodeJS.ProcessEnv = { WATCHDOG_USEC: '100000', WATCHDOG_PID: '4242' };
  t.teardown(startWatchdog({ socket, env, pid: 4343 }));
  const mine = { WATCHDOG_USEC: '100000', WATCHDOG_PID: '4242' };
  t.teardown(startWatchdog({ socket, env: mine, pid: 4242 }));
  await listener.waitFor(() => listener.received().length >= 3);
  t.true(listener.received().every((datagram) => datagram.data === 'WATCHDOG=1'));

  const inherited: NodeJS.ProcessEnv = { WATCHDOG_USEC: '100000', WATCHDOG_PID: '4242' };
  t.teardown(startWatchdog({ socket, env: inherited, pid: 4343, oldMaster: 4242 }));
  t.is(inherited.WATCHDOG_PID, '4343', 'a new master takes the watchdog over from its old master');
  t.is(env.WATCHDOG_PID, '4242', 'someone else’s watchdog is left alone');
});

test('workers get none of the notify variables', (t) => {
  const env = withoutNotifyEnv({
    NOTIFY_SOCKET: '/run/systemd/notify',
    WATCHDOG_USEC: '1',
    WATCHDOG_PID: '1',
    HOME: '/root',
  });
  t.deepEqual(env, { HOME: '/root' });
});
