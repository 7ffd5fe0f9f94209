/**
 * The per-request CPU budget of one worker, feature by feature (issue 11): how many µs of CPU
 * one process spends per hello-world request, for the bare server and for corral with each
 * protective feature turned off in turn and each optional one turned on in turn.
 *
 * Why CPU per request and not req/s: on a shared 2-core machine the client, the kernel's
 * loopback and the neighbours move throughput a lot, while the serving process's own CPU time
 * divided by the requests it answered moves much less, and it adds up feature by feature.
 *
 *   node --import tsx bench/request-budget.ts            # 10 rounds x 3 s, about 8 minutes
 *   node --import tsx bench/request-budget.ts --quick    # 3 rounds x 2 s, about 2 minutes
 *   node --import tsx bench/request-budget.ts --help     # --rounds, --duration, --connections, ...
 *
 * How: every contender is one worker process serving bench/app/hello.js on 127.0.0.1 (one
 * process, so the figure is one process's CPU), all started up front and warmed up, then loaded
 * with `wrk -t1 -cN` in rounds; the order rotates each round (as bench/run.ts does), so drifts
 * in the machine's load spread over every contender. Around each load the serving process's
 * CPU is read from /proc (bench/lib/task-cpu.ts) and divided by the requests wrk counted. The
 * Markdown report goes to stdout, progress to stderr, the raw rounds to --out FILE.json (or
 * bench/results/, gitignored). Needs wrk (`apt-get install -y wrk`) and a built corral (dist/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from './contenders/apps.ts';
import { bareSpec, corralSpec } from './contenders/corral.ts';
import { clientVersion, detectClient, runLoad } from './lib/load.ts';
import { recordMachine } from './lib/machine.ts';
import { clockTicks, processTicks } from './lib/proc.ts';
import { killAllServers, startServer, type RunningServer, type ServerSpec } from './lib/server.ts';
import { servingPids, taskCpuNs } from './lib/task-cpu.ts';
import { rotate, sleep } from './phases/util.ts';
import {
  renderBudget,
  summarizeBudget,
  type BudgetRound,
  type Profile,
} from './report/request-budget.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** A server to start, the profiles it is loaded under, and what its row means. */
interface Contender {
  name: string;
  kind: 'bare' | 'corral';
  profiles: Profile[];
  what: string;
  spec(): ServerSpec | Promise<ServerSpec>;
}

/** The protective features' off switches; each row turns off one of them, or all. */
const LIMITS_OFF = [
  '--limit-request-line',
  '0',
  '--limit-request-fields',
  '0',
  '--limit-request-field-size',
  '0',
];
const STRIPPING_OFF = ['--forwarded-allow-ips', '*'];
const WATCHDOG_OFF = ['--timeout', '0', '--boot-timeout', '0'];
const ALL_OFF = [...LIMITS_OFF, ...STRIPPING_OFF, ...WATCHDOG_OFF];

function corral(
  name: string,
  profiles: Profile[],
  what: string,
  extra: () => string[] | Promise<string[]>,
): Contender {
  return {
    name,
    kind: 'corral',
    profiles,
    what,
    spec: async () => corralSpec(name, root, 'hello', 1, await extra()),
  };
}

/** Every row of the report, in the order it is printed. */
function contenders(): Contender[] {
  return [
    {
      name: 'bare',
      kind: 'bare',
      profiles: ['keep-alive', 'close'],
      what:
        'bench/servers/bare.mjs: `http.createServer(app)` on the shared socket, nothing else; ' +
        "the floor, Node's own cost of a request",
      spec: () => bareSpec('bare', root, 'hello', 1),
    },
    corral(
      'corral-defaults',
      ['keep-alive', 'close'],
      '`-k async` as shipped: strict screening, limits, the forwarded-header check (a scan of ' +
        'the header names; wrk sends none, so nothing is stripped), stall watchdog, connection ' +
        'tracking',
      () => [],
    ),
    corral(
      'corral-no-limits',
      ['keep-alive'],
      'defaults with `--limit-request-line 0 --limit-request-fields 0 --limit-request-field-size 0`: ' +
        "only Node's own header limit",
      () => LIMITS_OFF,
    ),
    corral(
      'corral-no-stripping',
      ['keep-alive'],
      "defaults with `--forwarded-allow-ips '*'`: every peer trusted, so the app is not wrapped " +
        'and no header name is scanned for X-Forwarded-*/Forwarded',
      () => STRIPPING_OFF,
    ),
    corral(
      'corral-no-watchdog',
      ['keep-alive'],
      'defaults with `--timeout 0 --boot-timeout 0`: no stall watchdog and its in-flight records',
      () => WATCHDOG_OFF,
    ),
    corral(
      'corral-all-off',
      ['keep-alive'],
      'the three above together: what is left is screening, connection tracking, error wrapping ' +
        'and the heartbeat',
      () => ALL_OFF,
    ),
    corral(
      'corral-counts',
      ['keep-alive'],
      'defaults with `--metrics-bind 127.0.0.1:0`: the worker counts requests by status and ' +
        'duration bucket for the master (as `--status-bind` and `--control-socket` do)',
      () => ['--metrics-bind', '127.0.0.1:0'],
    ),
    corral(
      'corral-samples',
      ['keep-alive'],
      'defaults with `--statsd-host` (at a port nobody reads): counts plus a sample of single ' +
        'durations for statsd timers',
      async () => ['--statsd-host', `127.0.0.1:${await freePort()}`],
    ),
    corral(
      'corral-access-log',
      ['keep-alive'],
      'defaults with `--access-logfile /dev/null`: one formatted access log line per request',
      () => ['--access-logfile', '/dev/null'],
    ),
    corral(
      'corral-sync',
      ['close'],
      '`-k sync`: one connection at a time (only meaningful with a new connection per request)',
      () => ['-k', 'sync'],
    ),
  ];
}

interface Options {
  quick: boolean;
  rounds: number;
  durationS: number;
  warmupS: number;
  connections: number;
  only: string[] | undefined;
  out: string | undefined;
}

const USAGE = `usage: node --import tsx bench/request-budget.ts [--quick] [--rounds N] [--duration S]
         [--warmup S] [--connections N] [--only NAME,NAME] [--out FILE.json]
  defaults: 10 rounds x 3 s, 2 s warm-up; --quick: 3 rounds x 2 s, 1 s warm-up; 32 connections
  --only: just these contenders (bare and corral-defaults are always kept, every row needs them)
`;

/** The options, or exits 0 after the usage, or 2 on a bad option. */
function readOptions(): Options {
  let v: Record<string, string | boolean | undefined>;
  try {
    v = parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        rounds: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        connections: { type: 'string', default: '32' },
        only: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (v.help === true) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const quick = v.quick === true;
  const num = (key: string, fallback: number): number => {
    const n = Number(v[key] ?? fallback);
    if (!Number.isFinite(n) || n <= 0) {
      process.stderr.write(`--${key} must be a positive number\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  return {
    quick,
    rounds: Math.round(num('rounds', quick ? 3 : 10)),
    durationS: num('duration', quick ? 2 : 3),
    warmupS: num('warmup', quick ? 1 : 2),
    connections: Math.round(num('connections', 32)),
    only: typeof v.only === 'string' ? v.only.split(',').map((s) => s.trim()) : undefined,
    out: typeof v.out === 'string' ? v.out : undefined,
  };
}

/** A started contender and the one process whose CPU is its figure. */
interface Running {
  contender: Contender;
  server: RunningServer;
  workerPid: number;
}

/** The pid of the client running now, so an exit mid-load can stop it too. */
let clientPid: number | undefined;

/** Whatever happens (an exception, Ctrl-C, SIGTERM, the time budget), nothing outlives us. */
function installCleanup(): void {
  process.on('exit', () => {
    if (clientPid !== undefined) {
      try {
        process.kill(clientPid, 'SIGKILL');
      } catch {
        // It had finished.
      }
    }
    killAllServers();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      log(`\nrequest-budget: ${signal}, killing the servers`);
      process.exit(130);
    });
  }
}

/** The single serving process; a contender with none or several is a broken setup. */
function onlyWorker(server: RunningServer, kind: Contender['kind']): number {
  const pids = servingPids(server.pid, kind);
  if (pids.length !== 1) {
    throw new Error(`${server.spec.name}: expected 1 serving process, found [${pids.join(', ')}]`);
  }
  return pids[0]!;
}

async function startAll(list: Contender[]): Promise<Running[]> {
  const running: Running[] = [];
  for (const contender of list) {
    const server = await startServer(await contender.spec());
    const workerPid = onlyWorker(server, contender.kind);
    running.push({ contender, server, workerPid });
    log(
      `  ${contender.name}: ${server.url} ready in ${server.readyMs.toFixed(0)} ms ` +
        `(master ${server.pid}, worker ${workerPid})`,
    );
  }
  return running;
}

/** Lines a healthy server does not log while it is loaded: a restart, a warning, an error. */
const TROUBLE = /WARN|ERROR|CRITICAL|died|exited|Booting worker/;

/** The CPU counters read around a load; NaN once a process is gone. */
interface CpuReading {
  workerNs: number;
  /** utime + stime, in µs (10 ms steps): the cross-check of `workerNs`. */
  workerTicksUs: number;
  masterNs: number;
}

function readCpu(workerPid: number, masterPid: number): CpuReading {
  const ticks = processTicks(workerPid);
  return {
    workerNs: taskCpuNs(workerPid) ?? Number.NaN,
    workerTicksUs: ticks === undefined ? Number.NaN : (ticks * 1e6) / clockTicks(),
    masterNs: taskCpuNs(masterPid) ?? Number.NaN,
  };
}

/**
 * One load of one contender: the worker's CPU (ns over all threads, and ticks as a check) and
 * the master's, read before and after wrk, divided by the requests wrk counted.
 */
async function measure(
  run: Running,
  profile: Profile,
  seconds: number,
  opts: Options,
): Promise<Omit<BudgetRound, 'round'>> {
  const { server } = run;
  const notes: string[] = [];
  const pid = onlyWorker(server, run.contender.kind);
  if (pid !== run.workerPid) {
    notes.push(`worker replaced: ${run.workerPid} -> ${pid}`);
    run.workerPid = pid;
  }
  server.markLog();
  const before = readCpu(pid, server.pid);
  const load = await runLoad('wrk', {
    url: server.url,
    connections: opts.connections,
    durationS: seconds,
    threads: 1,
    close: profile === 'close',
    onSpawn: (p) => (clientPid = p),
  });
  clientPid = undefined;
  // The connections wrk leaves open are closed as it exits; let the worker finish that work,
  // which the requests caused, before reading its CPU.
  await sleep(50);
  const after = readCpu(pid, server.pid);
  if (Number.isNaN(after.workerNs)) notes.push(`worker ${pid} gone during the load`);
  if (load.errors > 0) notes.push(`${load.errors} errors (${load.errorDetail})`);
  for (const line of server.logSinceMark()) if (TROUBLE.test(line)) notes.push(line.trim());
  const perRequest = (key: keyof CpuReading, toUs: number): number =>
    ((after[key] - before[key]) * toUs) / Math.max(1, load.requests);
  return {
    profile,
    contender: run.contender.name,
    requests: load.requests,
    rps: load.rps,
    p99Ms: load.p99Ms,
    usPerRequest: perRequest('workerNs', 1e-3),
    ticksUsPerRequest: perRequest('workerTicksUs', 1),
    masterUsPerRequest: perRequest('masterNs', 1e-3),
    notes,
  };
}

/** The contenders loaded under a profile, in report order. */
function under(running: Running[], profile: Profile): Running[] {
  return running.filter((r) => r.contender.profiles.includes(profile));
}

const PROFILES: Profile[] = ['keep-alive', 'close'];

async function warmUp(running: Running[], opts: Options): Promise<void> {
  log(`warm-up: ${opts.warmupS} s per contender and profile`);
  for (const profile of PROFILES) {
    for (const run of under(running, profile)) await measure(run, profile, opts.warmupS, opts);
  }
}

/** Every round loads every (contender, profile) once; orders rotate so drifts spread evenly. */
async function measureRounds(running: Running[], opts: Options): Promise<BudgetRound[]> {
  const rounds: BudgetRound[] = [];
  for (let round = 0; round < opts.rounds; round += 1) {
    const profiles = round % 2 === 0 ? PROFILES : [...PROFILES].reverse();
    for (const profile of profiles) {
      for (const run of rotate(under(running, profile), round)) {
        const m = await measure(run, profile, opts.durationS, opts);
        rounds.push({ round, ...m });
        log(
          `  round ${round + 1}/${opts.rounds} ${profile.padEnd(10)} ${m.contender.padEnd(19)} ` +
            `${m.rps.toFixed(0).padStart(6)} req/s  ${m.usPerRequest.toFixed(2).padStart(6)} us/req` +
            `${m.notes.length > 0 ? `  (${m.notes.join('; ')})` : ''}`,
        );
      }
    }
  }
  return rounds;
}

/** A hard upper bound on the run, in case something hangs: every step at its worst. */
function armTimeBudget(list: Contender[], opts: Options): void {
  const loads = list.reduce((n, c) => n + c.profiles.length, 0);
  const budgetS =
    loads * (opts.rounds * (opts.durationS + 5) + opts.warmupS + 5) + list.length * 60 + 120;
  setTimeout(() => {
    log('request-budget: over its time budget, killing the servers');
    process.exit(1);
  }, budgetS * 1000).unref();
}

async function main(): Promise<void> {
  const opts = readOptions();
  if (detectClient() !== 'wrk') {
    log('request-budget: needs wrk on the PATH (apt-get install -y wrk)');
    process.exit(2);
  }
  installCleanup();
  const keep = (c: Contender): boolean =>
    opts.only === undefined || ['bare', 'corral-defaults', ...opts.only].includes(c.name);
  const all = contenders();
  const unknown = (opts.only ?? []).filter((name) => !all.some((c) => c.name === name));
  if (unknown.length > 0) {
    log(
      `request-budget: no contender ${unknown.join(', ')}; there are ${all.map((c) => c.name).join(', ')}`,
    );
    process.exit(2);
  }
  const list = all.filter(keep);
  armTimeBudget(list, opts);
  const machine = recordMachine(root, clientVersion('wrk'));
  log(
    `request-budget${opts.quick ? ' --quick' : ''}: ${list.length} contenders, ${opts.rounds} rounds x ` +
      `${opts.durationS} s, wrk -t1 -c${opts.connections}; load average ${fmtLoad(loadavg())}`,
  );
  const running = await startAll(list);
  await warmUp(running, opts);
  const rounds = await measureRounds(running, opts);
  log('stopping the servers');
  await Promise.all(running.map((r) => r.server.stop()));
  const info = machine.finish();
  const rows = summarizeBudget(
    rounds,
    list.map((c) => ({ name: c.name, profiles: c.profiles, what: c.what })),
  );
  process.stdout.write(renderBudget(rows, info, { ...opts, threads: 1 }));
  writeResults(opts, info.startedAt, { info, options: opts, rows, rounds });
}

function fmtLoad(values: number[]): string {
  return values.map((v) => v.toFixed(2)).join(' ');
}

function writeResults(opts: Options, startedAt: string, results: object): void {
  let out = opts.out;
  if (out === undefined) {
    const dir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    out = `${dir}request-budget-${startedAt.replace(/[:.]/g, '-')}.json`;
  }
  writeFileSync(out, JSON.stringify(results, null, 2));
  log(`raw results: ${out}`);
}

try {
  await main();
  process.exit(0);
} catch (error) {
  log(`request-budget failed: ${(error as Error).stack ?? String(error)}`);
  // The 'exit' handler kills every server and the client.
  process.exit(1);
}
