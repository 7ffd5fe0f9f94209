// Workers that go wrong one way each while a steady load keeps `corral -w 4` busy: one blocks its
// event loop, one leaks memory past --max-worker-memory, one exits on its 50th request, one
// closes its IPC channel, one ignores SIGTERM. Each is found, named in the log with its cause and
// replaced; no request fails on any other worker. Then the master is SIGKILLed under load: its
// workers go, the port is free, and a new master binds it at once.
import test, { type ExecutionContext } from 'ava';
import { startLoad, type LoadResult } from '../../helpers/steady-load.ts';
import {
  app,
  childPids,
  eventually,
  get,
  isAlive,
  startCorral,
  type CorralProcess,
} from '../corral-process.ts';
import { recoveredThenStop, servedMore } from './recovered.ts';
import { scale } from './scale.ts';

const WORKERS = 4;
const CONNECTIONS = scale.connections;

interface Fault {
  title: string;
  args: string[];
  /** The request that breaks the worker it reaches; the answer is that worker's pid. */
  path: string;
  /** What the master must log about the broken worker, by its pid. */
  lines: (victim: number) => RegExp[];
  /** What makes the fault show (the HUP that a worker ignoring SIGTERM ignores). */
  then?: (corral: CorralProcess) => void;
  /** The fault is a graceful retirement: no request may fail at all. */
  failsNone?: boolean;
}

const faults: Fault[] = [
  {
    title: 'a worker that blocks its event loop is killed after --timeout',
    args: ['-t', '2'],
    path: '/block',
    lines: (victim) => [
      new RegExp(`WORKER TIMEOUT \\(pid:${victim}\\)`),
      new RegExp(`\\(pid:${victim}\\) was killed by corral after a heartbeat timeout`),
    ],
  },
  {
    title: 'a worker that leaks past --max-worker-memory is recycled',
    args: ['--max-worker-memory', '200'],
    path: '/leak?mb=250',
    lines: (victim) => [
      new RegExp(`Recycling worker \\d+ \\(pid:${victim}\\): RSS \\d+ MiB above the 200 MiB`),
      new RegExp(`\\(pid:${victim}\\) exited \\(code 0\\) after being recycled`),
    ],
    failsNone: true,
  },
  {
    title: 'a worker that exits on its 50th request is replaced',
    args: [],
    path: '/exit-after?n=50',
    lines: (victim) => [new RegExp(`\\(pid:${victim}\\) exited with code 1`)],
  },
  {
    title: 'a worker whose app closes its IPC channel stops itself and is replaced',
    args: [],
    path: '/disconnect',
    lines: (victim) => [
      /The app closed this worker's IPC channel to the master/,
      new RegExp(`\\(pid:${victim}\\) stopped itself \\(code 5\\) because the app closed its IPC`),
    ],
  },
  {
    title: 'a worker that ignores SIGTERM is killed after --graceful-timeout on a reload',
    args: ['--graceful-timeout', '3'],
    path: '/ignore-term',
    then: (corral) => corral.signal('SIGHUP'),
    lines: (victim) => [
      new RegExp(
        `\\(pid:${victim}\\) did not stop within the graceful timeout \\(3 s\\) and was killed with SIGKILL \\(a reload had replaced its generation\\)`,
      ),
    ],
  },
];

for (const fault of faults) {
  test.serial(`${fault.title}, under load`, async (t) => {
    t.timeout(scale.timeoutMs);
    const corral = startCorral(t, [
      app('faulty-app.mjs'),
      '-w',
      String(WORKERS),
      '-b',
      '127.0.0.1:0',
      ...fault.args,
    ]);
    const port = await corral.port();
    await corral.waitFor(/Ready: 4 workers serving/);
    const master = corral.child.pid!;
    const load = startLoad(t, port, CONNECTIONS);
    await eventually(() => load.ok() > 100, 'the load to get going');
    const victim = Number((await get(port, fault.path)).body);
    fault.then?.(corral);
    for (const line of fault.lines(victim)) await corral.waitFor(line, 60_000);
    await eventually(() => !isAlive(victim), 'the broken worker gone', 60_000);
    const result = await recoveredThenStop(load, master, WORKERS);
    t.log(`${result.failed} failed of ${result.ok + result.failed}, ${describe(result, victim)}`);
    assertFailuresOnlyOn(t, result, victim, fault.failsNone === true);
    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
    t.true(
      corral.workerPids().every((pid) => !isAlive(pid)),
      'no worker outlives the master',
    );
  });
}

test.serial(
  'the master SIGKILLed under load: its workers go, and a new master binds the port',
  async (t) => {
    t.timeout(scale.timeoutMs);
    const args = [app('faulty-app.mjs'), '-w', String(WORKERS)];
    const first = startCorral(t, [...args, '-b', '127.0.0.1:0']);
    const port = await first.port();
    await first.waitFor(/Ready: 4 workers serving/);
    const workers = await childPids(first.child.pid!);
    const load = startLoad(t, port, CONNECTIONS);
    await eventually(() => load.ok() > 100, 'the load to get going');
    const killedAt = Date.now();
    first.signal('SIGKILL');
    await first.exited;
    await eventually(
      () => workers.every((pid) => !isAlive(pid)),
      'every worker of the killed master gone',
      30_000,
    );
    const goneAfter = Date.now() - killedAt;
    const second = startCorral(t, [...args, '-b', `127.0.0.1:${port}`]);
    await second.waitFor(/Ready: 4 workers serving/);
    await servedMore(load, 100, 'the new master serving the load');
    const result = await load.stop();
    t.log(
      `workers gone ${goneAfter} ms after the kill; ${result.failed} failed of ${result.ok + result.failed} while no master served`,
    );
    const served = new Set((await childPids(second.child.pid!)).map(String));
    t.true(served.has((await get(port)).body), 'a worker of the new master answers');
    second.signal('SIGTERM');
    t.is((await second.exited).code, 0);
  },
);

function describe(result: LoadResult, victim: number): string {
  const on = result.failedOn;
  return `${on.get(victim) ?? 0} on the broken worker, ${on.get(0) ?? 0} on new connections`;
}

/**
 * Only the broken worker's own requests may fail: those on its connections (each client has
 * one in flight at most) and those on a new connection it had accepted.
 */
function assertFailuresOnlyOn(
  t: ExecutionContext,
  result: LoadResult,
  victim: number,
  none: boolean,
): void {
  const elsewhere = [...result.failedOn].filter(([pid]) => pid !== victim && pid !== 0);
  t.deepEqual(elsewhere, [], `failed on other workers: ${result.errors.join('; ')}`);
  if (none) t.is(result.failed, 0, result.errors.join('; '));
  else t.true(result.failed <= CONNECTIONS, `${result.failed} failed: ${result.errors.join('; ')}`);
}
