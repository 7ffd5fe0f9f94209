// The log files failing under a steady load against `corral -w 2`: a full disk (/dev/full, where
// every write is ENOSPC) and both files removed with `rm`. Nothing fails and nothing crashes;
// each process says so once per log on stderr (the workers share the master's), and a removed
// file is created again and written.
import test, { type ExecutionContext } from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindSocket } from '../../helpers/bound-socket.ts';
import { startLoad, type SteadyLoad } from '../../helpers/steady-load.ts';
import { childPids, eventually, get, killQuietly, startCorral } from '../corral-process.ts';
import { servedMore } from './recovered.ts';
import { scale } from './scale.ts';

/** Answers with its pid; `/throw` throws, so the worker writes a line to its error log. */
const pidApp = fileURLToPath(new URL('../../fixtures/apps/pid-app.mjs', import.meta.url));
const CONNECTIONS = scale.connections;

test.serial('both logs on /dev/full (ENOSPC): serving goes on, told once a process', async (t) => {
  t.timeout(scale.timeoutMs);
  // The port would only be in the log, which is lost: the spec binds it and hands it over.
  const socket = bindSocket(t);
  const logs = ['--error-logfile', '/dev/full', '--access-logfile', '/dev/full'];
  const corral = startCorral(t, [pidApp, '-w', '2', '-b', 'fd://3', ...logs], { fds: [socket.fd] });
  const master = corral.child.pid!;
  const workers = await twoWorkers(t, master);
  await eventually(() => serves(socket.port), 'corral serving');

  const load = startLoad(t, socket.port, CONNECTIONS);
  await eventually(() => load.ok() > 300, '300 requests served');
  for (let i = 0; i < 4; i += 1) t.is((await get(socket.port, '/throw')).status, 500);
  await servedWithoutLoss(t, load, master, workers);
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);

  const told = tally(corral.output(), /cannot write the (error|access) log \/dev\/full: ENOSPC/);
  t.log(told);
  t.true(
    Object.values(told).every((count) => count === 1),
    'once per process and log',
  );
  t.is(told[`${master} error`], 1, 'the master told its own');
  t.is(told[`${master} access`], undefined, 'the master never writes the access log');
  t.true(
    workers.some((pid) => told[`${pid} error`] === 1),
    'a worker that logged /throw told it',
  );
  t.true(
    workers.some((pid) => told[`${pid} access`] === 1),
    'a worker that served told it',
  );
  const pids = Object.keys(told).map((key) => Number(key.split(' ')[0]));
  t.true(
    pids.every((pid) => pid === master || workers.includes(pid)),
    'only these processes',
  );
});

test.serial('only the access log on /dev/full: a worker that served tells it once', async (t) => {
  t.timeout(scale.timeoutMs);
  const corral = startCorral(t, [
    pidApp,
    ...['-w', '2', '-b', '127.0.0.1:0', '--access-logfile', '/dev/full'],
  ]);
  const port = await corral.port();
  await corral.waitFor(/Ready: 2 workers serving/);
  const load = startLoad(t, port, CONNECTIONS);
  await eventually(() => load.ok() > 300, '300 requests served');
  // Which workers serve is the kernel's choice; one that served must have told it.
  await eventually(() => /cannot write the access log/.test(corral.output()), 'a worker told it');
  await servedMore(load, 300, '300 more requests served');
  const result = await load.stop();
  t.is(result.failed, 0, result.errors.join('; '));
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);

  const told = tally(corral.output(), /cannot write the (error|access) log \/dev\/full/);
  const workers = corral.workerPids();
  t.log(told);
  t.true(Object.keys(told).length > 0);
  for (const [key, count] of Object.entries(told)) {
    t.is(count, 1, `${key}: once`);
    t.true(workers.includes(Number(key.split(' ')[0])) && key.endsWith(' access'), key);
  }
  t.regex(corral.output(), /Shutting down: Master/, 'the error log, on stderr, is untouched');
});

test.serial('both log files removed under load: reopened, told once a process', async (t) => {
  t.timeout(scale.timeoutMs);
  const dir = mkdtempSync(join(tmpdir(), 'corral-faults-logs-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const errorLog = join(dir, 'error.log');
  const accessLog = join(dir, 'access.log');
  const socket = bindSocket(t);
  const corral = startCorral(
    t,
    [pidApp, '-w', '2', '-b', 'fd://3', '--error-logfile', errorLog, '--access-logfile', accessLog],
    { fds: [socket.fd] },
  );
  const master = corral.child.pid!;
  await eventually(() => /Ready: 2 workers serving/.test(read(errorLog)), 'corral ready');
  const workers = await twoWorkers(t, master);
  const load = startLoad(t, socket.port, CONNECTIONS);
  await eventually(() => read(accessLog).length > 0, 'access lines');

  rmSync(errorLog);
  rmSync(accessLog);
  const removed = (pid: number, log: string) =>
    `corral: [${pid}] the ${log} log ${join(dir, `${log}.log`)} was removed; reopened it as a new file`;
  const expected = [
    removed(master, 'error'),
    ...workers.flatMap((pid) => [removed(pid, 'error'), removed(pid, 'access')]),
  ];
  await eventually(
    () => expected.every((sentence) => corral.output().includes(sentence)),
    'every process told it',
  );
  await eventually(() => read(accessLog).length > 0, 'new access lines in a new file');
  await servedWithoutLoss(t, load, master, workers);
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);

  const told = tally(corral.output(), /the (error|access) log \S+ was removed/);
  t.deepEqual(
    told,
    Object.fromEntries([
      [`${master} error`, 1],
      ...workers.flatMap((pid) => [
        [`${pid} error`, 1],
        [`${pid} access`, 1],
      ]),
    ]),
  );
  const newErrors = read(errorLog);
  t.regex(newErrors, new RegExp(`\\[${master}\\] \\[WARN\\] the error log .* was removed`));
  t.regex(newErrors, /\[corral worker \d+ pid \d+\] WARN the access log .* was removed/);
  t.regex(newErrors, /Shutting down: Master/, 'the master wrote to the new file to its end');
  t.true(existsSync(accessLog));
});

/**
 * `corral: [PID] <sentence>` counted by `"PID error"` / `"PID access"`; `pattern` has the log's
 * name as its first group.
 */
function tally(output: string, pattern: RegExp): Record<string, number> {
  const counts: Record<string, number> = {};
  const line = new RegExp(`^corral: \\[(\\d+)\\] .*?${pattern.source}`, 'gm');
  for (const match of output.matchAll(line)) {
    const key = `${match[1]} ${match[2]}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** The two workers, once both run; killed in teardown, since no log the harness reads names them. */
async function twoWorkers(t: ExecutionContext, master: number): Promise<number[]> {
  let workers: number[] = [];
  await eventually(async () => (workers = await childPids(master)).length === 2, '2 workers');
  t.teardown(() => workers.forEach(killQuietly));
  return workers.sort();
}

/** Connections are refused until the master listens on the socket handed to it. */
function serves(port: number): Promise<boolean> {
  return get(port).then(
    ({ status }) => status === 200,
    () => false,
  );
}

function read(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** 300 more requests served, none failed, and the same workers serving them. */
async function servedWithoutLoss(
  t: ExecutionContext,
  load: SteadyLoad,
  master: number,
  workers: number[],
): Promise<void> {
  await servedMore(load, 300, '300 more requests served');
  const result = await load.stop();
  t.log(`${result.ok} requests, ${result.failed} failed`);
  t.is(result.failed, 0, result.errors.join('; '));
  t.deepEqual((await childPids(master)).sort(), workers, 'no worker died and was replaced');
}
