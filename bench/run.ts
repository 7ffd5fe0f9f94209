/**
 * corral vs a bare shared-socket Node server (and Node's cluster, for context), in one
 * interleaved run. See docs/benchmarks.md.
 *
 *   npm run bench                      # defaults: 12 rounds x 3 s, 64 connections, both profiles
 *   npm run bench -- --rounds 3 --duration 4 --client autocannon
 *
 * Every contender serves bench/app/hello.js with 2 worker processes. All servers are started
 * once, warmed up, then measured in rounds; within a round each profile runs every contender
 * back to back (A, B, C, D), and the order rotates from round to round, so slow drifts in the
 * machine's background load spread over all contenders instead of landing on one.
 */
import { availableParallelism, cpus, loadavg, release } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  clientVersion,
  detectClient,
  runLoad,
  type ClientName,
  type LoadResult,
} from './lib/load.ts';
import { rssMiB, startCpuSampler } from './lib/proc.ts';
import { codeFingerprint } from './lib/fingerprint.ts';
import { connectionsByPid } from './lib/sockets.ts';
import { killAllServers, startServer, type RunningServer, type ServerSpec } from './lib/server.ts';
import { renderReport, type Measurement, type RunInfo } from './lib/report.ts';

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '12' },
    duration: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '64' },
    threads: { type: 'string', default: '2' },
    workers: { type: 'string', default: '2' },
    client: { type: 'string', default: 'auto' },
    contenders: { type: 'string', default: 'bare,corral-async,corral-sync,cluster-rr' },
    profiles: { type: 'string', default: 'keep-alive,close' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (opts.help) {
  process.stdout.write(
    'usage: npm run bench -- [--rounds N] [--duration S] [--warmup S] [--connections N]\n' +
      '         [--threads N] [--client auto|wrk|autocannon] [--contenders a,b] [--profiles keep-alive,close]\n' +
      '         [--out FILE.json]\n',
  );
  process.exit(0);
}

const rounds = positive('rounds');
const durationS = positive('duration');
const warmupS = Number(opts.warmup);
const connections = positive('connections');
const threads = positive('threads');
const workers = positive('workers');
const client: ClientName = opts.client === 'auto' ? detectClient() : (opts.client as ClientName);
if (client !== 'wrk' && client !== 'autocannon') fail(`unknown --client ${opts.client}`);

const root = fileURLToPath(new URL('..', import.meta.url));
const app = fileURLToPath(new URL('./app/hello.js', import.meta.url));
const node = process.execPath;
const tsx = ['--import', 'tsx'];

const allSpecs: ServerSpec[] = [
  {
    name: 'bare',
    command: node,
    args: [...tsx, 'bench/servers/bare.ts', app, String(workers), '0'],
    cwd: root,
    workers,
  },
  {
    name: 'corral-async',
    command: node,
    args: ['bin/corral.js', app, '-w', String(workers), '-b', '127.0.0.1:0'],
    cwd: root,
    workers,
  },
  {
    name: 'corral-sync',
    command: node,
    args: ['bin/corral.js', app, '-w', String(workers), '-b', '127.0.0.1:0', '-k', 'sync'],
    cwd: root,
    workers,
  },
  {
    name: 'cluster-rr',
    command: node,
    args: [...tsx, 'bench/servers/cluster-rr.ts', app, String(workers), '0'],
    cwd: root,
    workers,
  },
];
const wanted = opts.contenders.split(',').map((s) => s.trim());
const specs = allSpecs.filter((s) => wanted.includes(s.name));
if (specs.length === 0) fail(`no known contender in --contenders ${opts.contenders}`);
const profiles = opts.profiles.split(',').map((s) => s.trim());
for (const p of profiles) if (p !== 'keep-alive' && p !== 'close') fail(`unknown profile ${p}`);

// Whatever happens, no server may outlive the bench.
process.on('exit', killAllServers);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\nbench: ${signal}, killing the servers\n`);
    killAllServers();
    process.exit(130);
  });
}
// A hard upper bound on the whole run, in case something hangs.
const budgetMs = (rounds * profiles.length * specs.length * (durationS + 5) + 300) * 1000;
setTimeout(() => {
  process.stderr.write('bench: over its time budget, killing the servers\n');
  killAllServers();
  process.exit(1);
}, budgetMs).unref();

await main();

async function main(): Promise<void> {
  const info: RunInfo = {
    startedAt: new Date().toISOString(),
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    kernel: release(),
    node: process.version,
    client: clientVersion(client),
    clientName: client,
    threads,
    connections,
    durationS,
    warmupS,
    rounds,
    workers,
    loadavgStart: loadavg(),
    loadavgEnd: [],
    profiles,
    contenders: specs.map((s) => s.name),
    serverExits: {},
    serverNotes: {},
    code: codeFingerprint(root),
  };
  log(
    `bench: ${client} (${info.client}), ${rounds} rounds x ${durationS} s, ${connections} connections, ` +
      `${specs.length} contenders x ${profiles.length} profiles; load average ${fmtLoad(info.loadavgStart)}`,
  );

  const servers: RunningServer[] = [];
  const measurements: Measurement[] = [];
  try {
    for (const spec of specs) {
      const server = await startServer(spec);
      servers.push(server);
      log(
        `  ${spec.name}: ready at ${server.url} (master ${server.pid}, workers ${server.workerPids().join(' ')})`,
      );
    }

    if (warmupS > 0) {
      log(`warm-up: ${warmupS} s per contender and profile`);
      for (const server of servers) {
        for (const profile of profiles) await measure(server, profile, warmupS);
      }
    }

    for (let round = 0; round < rounds; round += 1) {
      const order = rotate(servers, round);
      const profileOrder = round % 2 === 0 ? profiles : [...profiles].reverse();
      for (const profile of profileOrder) {
        for (const server of order) {
          const m = await measure(server, profile, durationS);
          const record: Measurement = { round, profile, contender: server.spec.name, ...m };
          measurements.push(record);
          log(
            `  round ${round + 1}/${rounds} ${profile.padEnd(10)} ${server.spec.name.padEnd(12)} ` +
              `${m.load.rps.toFixed(0).padStart(6)} req/s  p50 ${m.load.p50Ms.toFixed(2)} ms  ` +
              `p99 ${m.load.p99Ms.toFixed(2)} ms  cpu client ${pct(m.cpu?.client)} master ${pct(m.cpu?.master)} ` +
              `workers ${pct(m.cpu?.workers)} (${m.cpu?.perWorker.map((w) => w.toFixed(0)).join('/')}) ` +
              `irq ${pct(m.cpu?.irq)} others ${pct(m.cpu?.others)} steal ${pct(m.cpu?.steal)}  ` +
              `worker ${m.workerUsPerRequest.toFixed(1)} us/req  conns ${m.connectionSplit.join('/')}` +
              (m.load.errors > 0 ? `  errors: ${m.load.errorDetail}` : '') +
              (m.notes.length > 0 ? `  log: ${m.notes.join(' | ')}` : ''),
          );
        }
      }
    }
  } finally {
    for (const server of servers) {
      const exit = await server.stop();
      info.serverExits[server.spec.name] = exit.code ?? exit.signal ?? 'unknown';
      // A master that does not exit 0 on SIGTERM is a finding: keep what it said last.
      if (exit.code !== 0) {
        (info.serverNotes[server.spec.name] ??= []).push(
          `exit ${exit.code ?? exit.signal} after SIGTERM; log tail: ${server.logTail()}`,
        );
      }
    }
    killAllServers();
  }

  info.loadavgEnd = loadavg();
  for (const m of measurements) {
    if (m.notes.length > 0) (info.serverNotes[m.contender] ??= []).unshift(...m.notes);
  }
  const report = renderReport(info, measurements);
  process.stdout.write(report);

  const out =
    opts.out ??
    fileURLToPath(
      new URL(`./results/run-${info.startedAt.replace(/[:.]/g, '-')}.json`, import.meta.url),
    );
  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  writeFileSync(out, JSON.stringify({ info, measurements }, null, 2));
  log(`raw results: ${out}`);
}

async function measure(
  server: RunningServer,
  profile: string,
  seconds: number,
): Promise<Omit<Measurement, 'round' | 'profile' | 'contender'>> {
  let clientPid: number | undefined;
  const workerPids = server.workerPids();
  server.markLog();
  const sampler = startCpuSampler(() => ({
    client: clientPid === undefined ? [] : [clientPid],
    master: [server.pid],
    workers: workerPids,
  }));
  // Mid-run: how the kernel spread the open connections over the workers.
  let split: Promise<Map<number, number>> | undefined;
  const splitTimer = setTimeout(
    () => (split = connectionsByPid(server.port)),
    (seconds * 1000) / 2,
  );
  let load: LoadResult;
  try {
    load = await runLoad(client, {
      url: server.url,
      connections,
      durationS: seconds,
      threads,
      close: profile === 'close',
      onSpawn: (pid) => (clientPid = pid),
    });
  } catch (error) {
    clearTimeout(splitTimer);
    sampler.stop();
    throw error;
  }
  const cpu = sampler.stop();
  clearTimeout(splitTimer);
  const byPid = split === undefined ? new Map<number, number>() : await split;
  const connectionSplit = workerPids.map((pid) => byPid.get(pid) ?? 0);
  // Anything the server logged during the measurement that is not routine is worth a note
  // (a worker restart, a timeout, an error).
  const notes = server
    .logSinceMark()
    .filter((line) => /WARN|ERROR|CRITICAL|Booting worker|died|exited|timeout/i.test(line));
  const now = server.workerPids();
  if (now.join() !== workerPids.join()) {
    notes.push(`worker pids changed: ${workerPids.join(' ')} -> ${now.join(' ')}`);
  }
  // CPU time per request is much less sensitive to the machine's other load than req/s.
  const perRequestUs = (percent: number | undefined): number =>
    percent === undefined || load.rps === 0 ? Number.NaN : (percent / 100 / load.rps) * 1e6;
  return {
    load,
    cpu,
    workerUsPerRequest: perRequestUs(cpu?.workers),
    masterUsPerRequest: perRequestUs(cpu?.master),
    connectionSplit,
    workerRssMiB: workerPids.map(rssMiB),
    notes,
  };
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function positive(name: 'rounds' | 'duration' | 'connections' | 'threads' | 'workers'): number {
  const value = Number(opts[name]);
  if (!Number.isInteger(value) || value < 1) fail(`--${name} must be a whole number >= 1`);
  return value;
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function pct(value: number | undefined): string {
  return value === undefined ? '  ?' : `${value.toFixed(0).padStart(3)}%`;
}

function fmtLoad(values: number[]): string {
  return values.map((v) => v.toFixed(2)).join(' ');
}
