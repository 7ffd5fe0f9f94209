/**
 * The soak: 1,000 worker restarts, SIGKILLs and --max-requests recycles mixed, while 16
 * keep-alive clients keep `-w 4` busy. The master is embedded here (createArbiter, the code the
 * CLI runs) so that between restarts this process can read what a leak would grow: its V8 heap
 * after a full GC, its open fds and RSS, and the arbiter's own context (the worker table, the
 * recycle queue, the worker actors). The load runs in a process of its own
 * (bench/soak/load-process.ts), so none of its sockets or garbage is counted here.
 *
 *   node --expose-gc --import tsx bench/soak.ts [--restarts 1000] [--every 100] [--log]
 *   npm run bench:soak
 *
 * Kills and recycles take turns, each restart done (four workers serving) before the next: a
 * recycle waits for its replacement to be ready before the old worker goes, so under a kill
 * every few hundred milliseconds no recycle would ever finish (the first version of this soak
 * found that: 999 kills, 1 recycle). About 10 minutes on the 2-core machine.
 *
 * Prints a table of the samples, the failed requests against the requests that may fail (those
 * on a killed worker's connections at its kill), and a verdict on each bound; exits 1 when a
 * bound is broken.
 */
import { fork } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createArbiter } from '../index.ts';
import type { LoadAnswer, LoadRequest } from './soak/load-process.ts';

const { values } = parseArgs({
  options: {
    restarts: { type: 'string', default: '1000' },
    every: { type: 'string', default: '100' },
    log: { type: 'boolean', default: false },
  },
});
const RESTARTS = Number(values.restarts);
const EVERY = Number(values.every);
const WORKERS = 4;
const CONNECTIONS = 16;
/** The bounds the verdict checks, from the first sample (after warm-up) to the last. */
const BOUNDS = { heapMiB: 2, rssMiB: 16, fds: 0, leftovers: 0 };

const log = (line: string): void => void process.stderr.write(`${line}\n`);
/** `--log`: the master's lifecycle lines, as the CLI would print them. */
const toStderr = { debug() {}, info: log, warn: log, error: log, fatal: log };
if (globalThis.gc === undefined) log('run with node --expose-gc: the heap is read without a GC');

const arbiter = createArbiter(
  {
    app: fileURLToPath(new URL('app/pid.js', import.meta.url)),
    workers: WORKERS,
    bind: ['127.0.0.1:0'],
    // A recycle every few seconds per worker at this load, beside the kills.
    maxRequests: 300,
    maxRequestsJitter: 150,
    // A thousand restarts in a few minutes are the test here, not a crash loop.
    restartIntensity: 1_000_000,
  },
  values.log ? { logger: toStderr } : {},
);
const [url] = await arbiter.start();
await arbiter.ready;
const actor = arbiter.actor!;
const port = Number(new URL(url!).port);

const exits = { killed: 0, recycled: 0, other: 0 };
let mayFail = 0;
actor.on('worker.exited', (event) => {
  if (event.cause === 'killed') exits.killed += 1;
  else if (event.retiredFor === 'recycle') exits.recycled += 1;
  else exits.other += 1;
});
const restarts = () => exits.killed + exits.recycled + exits.other;

const load = fork(fileURLToPath(new URL('soak/load-process.ts', import.meta.url)), [
  String(port),
  String(CONNECTIONS),
]);
const ask = (request: LoadRequest) =>
  new Promise<LoadAnswer>((resolve) => {
    load.once('message', (answer: LoadAnswer) => resolve(answer));
    load.send(request);
  });

interface Sample {
  restarts: number;
  seconds: number;
  heapMiB: number;
  rssMiB: number;
  fds: number;
  /** Rows in the arbiter's worker table beyond the workers alive. */
  leftovers: number;
  /** Worker actors the arbiter holds beyond the workers alive. */
  actors: number;
  /** Queued recycle requests of workers that are gone. */
  recycleQueue: number;
}

const startedAt = Date.now();
const sample = (): Sample => {
  globalThis.gc?.();
  const snapshot = actor.getSnapshot();
  const alive = arbiter.children.size;
  const memory = process.memoryUsage();
  return {
    restarts: restarts(),
    seconds: Math.round((Date.now() - startedAt) / 1000),
    heapMiB: memory.heapUsed / 2 ** 20,
    rssMiB: memory.rss / 2 ** 20,
    fds: readdirSync('/proc/self/fd').length,
    leftovers: Object.keys(snapshot.context.workers).length - alive,
    actors: Object.keys(snapshot.children).filter((id) => id.startsWith('worker-')).length - alive,
    recycleQueue: snapshot.context.recycleQueue.filter(
      (request) => snapshot.context.workers[`worker-${request.workerId}`] === undefined,
    ).length,
  };
};

/** SIGKILLs a serving worker that is not being recycled, counting the requests that may fail. */
async function killOne(): Promise<void> {
  const entries = Object.values(actor.getSnapshot().context.workers);
  const pids = entries
    .filter((entry) => entry.phase === 'ready' && entry.outgoing === null)
    .map((entry) => entry.pid)
    .filter((pid) => pid !== null);
  const victim = pids[Math.floor(Math.random() * pids.length)];
  if (victim === undefined) return;
  mayFail += ((await ask({ ask: 'bound', pid: victim })) as { bound: number }).bound;
  try {
    process.kill(victim, 'SIGKILL');
  } catch {
    // Recycled meanwhile: gone by itself.
  }
}

/** Resolves once `condition` holds, or once `withinMs` has passed when one is given. */
async function until(condition: () => boolean, withinMs = Infinity): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition() && Date.now() < deadline) await sleep(5);
}

/** Four workers serving again: the restart is over. */
async function serving(): Promise<void> {
  await until(() => {
    const entries = Object.values(actor.getSnapshot().context.workers);
    return entries.filter((entry) => entry.phase === 'ready').length >= WORKERS;
  });
}

/**
 * Waits (3 s at most) for a moment when the worker table and the processes agree: an exit or a
 * spawn is seen by the two a moment apart, and recycles never stop at this load. A row of a dead
 * worker that stays is a leftover whatever the moment.
 */
async function agreed(): Promise<void> {
  await until(() => {
    const rows = Object.keys(actor.getSnapshot().context.workers).length;
    return rows === arbiter.children.size && rows >= WORKERS;
  }, 3000);
}

const loadBefore = loadavg()[0] ?? 0;
while (((await ask({ ask: 'ok' })) as { ok: number }).ok < 1000) await sleep(50);
await agreed();
const samples: Sample[] = [sample()];
let nextSample = EVERY;
log(`soak: ${RESTARTS} restarts, SIGKILLs and --max-requests recycles in turn`);
while (restarts() < RESTARTS) {
  const before = restarts();
  if (exits.killed <= exits.recycled) await killOne();
  // A recycle comes by itself within a few seconds at this load; a kill's exit at once.
  await until(() => restarts() > before);
  await serving();
  if (restarts() >= nextSample) {
    await agreed();
    samples.push(sample());
    log(`  ${samples.at(-1)!.restarts} restarts`);
    nextSample += EVERY;
  }
}
await agreed();
samples.push(sample());
const result = (await ask({ ask: 'stop' })) as Extract<LoadAnswer, { failed: number }>;
const counted = { ...exits, restarts: restarts() };
arbiter.stop();
const { exitCode } = await arbiter.done;
const loadAfter = loadavg()[0] ?? 0;

process.stdout.write(renderTable(samples));
const requests = result.ok + result.failed;
process.stdout.write(
  `\n${counted.restarts} restarts: ${counted.killed} SIGKILLs, ${counted.recycled} recycles, ${counted.other} other; ` +
    `${requests.toLocaleString('en')} requests, ${result.failed} failed, ` +
    `${mayFail} on a killed worker's connections at its kill; master exit ${exitCode}; ` +
    `load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)}\n`,
);
const verdicts = judge(samples, result.failed <= mayFail && counted.other === 0);
for (const line of verdicts.lines) process.stdout.write(`${line}\n`);
process.exit(verdicts.ok ? 0 : 1);

function renderTable(rows: Sample[]): string {
  const header =
    '| restarts | s | heap MiB | RSS MiB | fds | table rows beyond live | actors beyond live | queued recycles of dead workers |\n' +
    '| -------: | -: | -------: | ------: | --: | ---------------------: | -----------------: | ------------------------------: |\n';
  return (
    header +
    rows
      .map(
        (row) =>
          `| ${row.restarts} | ${row.seconds} | ${row.heapMiB.toFixed(2)} | ${row.rssMiB.toFixed(1)} | ${row.fds} | ${row.leftovers} | ${row.actors} | ${row.recycleQueue} |`,
      )
      .join('\n') +
    '\n'
  );
}

/** From the first sample after warm-up (the second) to the last: each growth within its bound. */
function judge(rows: Sample[], failuresExplained: boolean) {
  const base = rows[Math.min(1, rows.length - 1)]!;
  const last = rows.at(-1)!;
  const checks: [string, number, number][] = [
    ['heap growth, MiB', last.heapMiB - base.heapMiB, BOUNDS.heapMiB],
    ['RSS growth, MiB', last.rssMiB - base.rssMiB, BOUNDS.rssMiB],
    ['fd growth', last.fds - base.fds, BOUNDS.fds],
    [
      'leftovers of dead workers (most in any sample)',
      Math.max(...rows.map((row) => row.leftovers + row.actors + row.recycleQueue)),
      BOUNDS.leftovers,
    ],
  ];
  const lines = checks.map(
    ([what, value, bound]) =>
      `${value <= bound ? 'ok  ' : 'FAIL'} ${what}: ${Number(value.toFixed(2))} (bound ${bound})`,
  );
  lines.push(
    `${failuresExplained ? 'ok  ' : 'FAIL'} every failed request was on a killed worker's connection`,
  );
  return { ok: checks.every(([, value, bound]) => value <= bound) && failuresExplained, lines };
}
