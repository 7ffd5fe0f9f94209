import { readFileSync } from 'node:fs';
import test from 'ava';
import { listenDatagrams } from '../helpers/datagram-listener.ts';
import { app, eventually, get, killQuietly, startCorral } from './corral-process.ts';

test.serial(
  'under systemd: READY=1 once workers serve, STATUS with the count, RELOADING on HUP, watchdog pings, STOPPING=1 on TERM',
  async (t) => {
    const listener = await listenDatagrams(t);
    const corral = startCorral(t, [app('pid-app.mjs'), '-w', '2', '-b', '127.0.0.1:0'], {
      env: { NOTIFY_SOCKET: listener.address, WATCHDOG_USEC: '1000000' },
    });
    const pid = corral.child.pid!;
    const port = await corral.port();

    const ready = await listener.waitFor((data) => data.startsWith('READY=1'));
    t.is(ready.data, `READY=1\nMAINPID=${pid}\nSTATUS=2 workers serving (generation 1)`);
    t.is((await get(port)).status, 200, 'the workers answer by the time READY=1 is sent');
    for (const worker of corral.workerPids()) {
      const environ = readFileSync(`/proc/${worker}/environ`, 'utf8').split('\0');
      t.false(
        environ.some((entry) => /^(NOTIFY_SOCKET|WATCHDOG_USEC|WATCHDOG_PID)=/.test(entry)),
        'workers do not talk to systemd',
      );
    }

    corral.signal('SIGTTIN');
    await listener.waitFor((data) => data === 'STATUS=3 workers serving (generation 1)');

    const beforeHup = listener.received().length;
    corral.signal('SIGHUP');
    const reloading = await listener.waitFor((data) => data.startsWith('RELOADING=1'), beforeHup);
    const usec = BigInt(/^MONOTONIC_USEC=(\d+)$/m.exec(reloading.data)?.[1] ?? '0');
    t.true(
      usec >= listener.boundNs / 1000n && usec <= reloading.monotonicNs / 1000n,
      'MONOTONIC_USEC is CLOCK_MONOTONIC, between the listener binding and receiving it',
    );
    const reloaded = await listener.waitFor(
      (data) => data.startsWith('READY=1'),
      listener.received().indexOf(reloading),
    );
    t.regex(reloaded.data, /STATUS=3 workers serving \(generation 2\)/);

    await listener.waitFor((data) => data === 'WATCHDOG=1', beforeHup);

    corral.signal('SIGTERM');
    const stopping = await listener.waitFor((data) => data.startsWith('STOPPING=1'));
    t.regex(stopping.data, /^STOPPING=1\nSTATUS=Stopping: /);
    t.is((await corral.exited).code, 0);
  },
);

test.serial(
  'under systemd, USR2: the new master claims MAINPID once ready, and the old one hands over instead of STOPPING=1',
  async (t) => {
    t.timeout(120_000);
    const listener = await listenDatagrams(t);
    const old = startCorral(t, [app('pid-app.mjs'), '-w', '1', '-b', '127.0.0.1:0'], {
      env: { NOTIFY_SOCKET: listener.address },
    });
    const oldPid = old.child.pid!;
    await listener.waitFor((data) => data.startsWith(`READY=1\nMAINPID=${oldPid}\n`));

    old.signal('SIGUSR2');
    const newPid = Number((await old.waitFor(/started a new master with pid: (\d+)/))[1]);
    t.teardown(() => killQuietly(newPid));
    await listener.waitFor((data) => data.startsWith(`READY=1\nMAINPID=${newPid}\n`));

    old.signal('SIGTERM');
    t.is((await old.exited).code, 0);
    await listener.waitFor((data) => data === `MAINPID=${newPid}`);
    t.false(
      listener.received().some((datagram) => datagram.data.includes('STOPPING=1')),
      'the service goes on: the old master did not say it is stopping',
    );

    process.kill(newPid, 'SIGTERM');
    await listener.waitFor((data) => data.startsWith('STOPPING=1'));
    await eventually(() => !running(newPid), 'the promoted master has stopped');
  },
);

/** Alive and not a zombie: a promoted master's parent is gone, so nobody here reaps it. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
