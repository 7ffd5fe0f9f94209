/**
 * What the access log costs: corral serving bench/app/hello.js with and without
 * `--access-logfile FILE` (Gunicorn's default format), the same load on both, in interleaved
 * rounds (the order alternates), so drifts in the machine's load land on both alike.
 *
 *   node --import tsx bench/access-log.ts [--rounds 10] [--duration 3] [--connections 64]
 *                                          [--file /dev/null]
 *
 * Prints each round, the median requests/s of each, and the ratio (with / without) of the
 * medians and the median of the per-round ratios. The bar: a ratio of 0.90 or better.
 * On a shared machine throughput swings with the neighbours' load, so it also prints the
 * workers' CPU time per request (from /proc), which such swings disturb much less.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { clientVersion, detectClient, runLoad } from './lib/load.ts';
import { clockTicks, processTicks } from './lib/proc.ts';
import { killAllServers, startServer, type RunningServer } from './lib/server.ts';
import { median } from './lib/stats.ts';

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '10' },
    duration: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '64' },
    threads: { type: 'string', default: '2' },
    workers: { type: 'string', default: '2' },
    /** Where the access log goes (default: a temporary file); `/dev/null` leaves out the disk. */
    file: { type: 'string' },
  },
});
const rounds = Number(opts.rounds);
const durationS = Number(opts.duration);
const connections = Number(opts.connections);
const threads = Number(opts.threads);
const workers = opts.workers;

const root = fileURLToPath(new URL('..', import.meta.url));
const app = fileURLToPath(new URL('./app/hello.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'corral-bench-access-'));
const accessFile = opts.file ?? join(dir, 'access.log');
const client = detectClient();

process.on('exit', () => {
  killAllServers();
  rmSync(dir, { recursive: true, force: true });
});
process.on('SIGINT', () => process.exit(130));

const base = ['bin/corral.js', app, '-w', workers, '-b', '127.0.0.1:0'];
const contenders = [
  { name: 'no access log', args: base },
  { name: 'access log', args: [...base, '--access-logfile', accessFile] },
];

const servers: RunningServer[] = [];
for (const { name, args } of contenders) {
  servers.push(await startServer({ name, command: process.execPath, args, cwd: root, workers: 2 }));
}
log(`${clientVersion(client)}, ${rounds} rounds x ${durationS} s, ${connections} connections`);
for (const server of servers) await measure(server, Number(opts.warmup));

const rps: Record<string, number[]> = { 'no access log': [], 'access log': [] };
const cpuUs: Record<string, number[]> = { 'no access log': [], 'access log': [] };
for (let round = 0; round < rounds; round += 1) {
  const order = round % 2 === 0 ? servers : [...servers].reverse();
  for (const server of order) {
    const result = await measure(server, durationS);
    rps[server.spec.name]!.push(result.rps);
    cpuUs[server.spec.name]!.push(result.workerUs);
    log(
      `  round ${round + 1} ${server.spec.name.padEnd(14)} ${result.rps.toFixed(0)} req/s  ` +
        `workers ${result.workerUs.toFixed(1)} us/req`,
    );
  }
}
const without = rps['no access log']!;
const withLog = rps['access log']!;
const paired = withLog.map((value, i) => value / without[i]!);
log(
  `median without: ${median(without).toFixed(0)} req/s, with: ${median(withLog).toFixed(0)} req/s`,
);
log(`ratio of medians: ${(median(withLog) / median(without)).toFixed(3)}`);
log(`median of per-round ratios: ${median(paired).toFixed(3)} (each: ${fmt(paired)})`);
const usWithout = median(cpuUs['no access log']!);
const usWith = median(cpuUs['access log']!);
log(
  `worker CPU per request: ${usWithout.toFixed(1)} us without, ${usWith.toFixed(1)} us with ` +
    `(ratio ${(usWithout / usWith).toFixed(3)})`,
);
log(`access log written: ${(statSync(accessFile).size / 1e6).toFixed(1)} MB`);
for (const server of servers) await server.stop();

async function measure(server: RunningServer, seconds: number) {
  const pids = server.workerPids();
  const ticksBefore = workerTicks(pids);
  const result = await runLoad(client, {
    url: server.url,
    connections,
    durationS: seconds,
    threads,
    close: false,
  });
  if (result.errors > 0)
    log(`  ${server.spec.name}: ${result.errors} errors ${result.errorDetail}`);
  const cpuSeconds = (workerTicks(pids) - ticksBefore) / clockTicks();
  return { rps: result.rps, workerUs: (cpuSeconds * 1e6) / Math.max(1, result.requests) };
}

function workerTicks(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (processTicks(pid) ?? 0), 0);
}

function fmt(values: number[]): string {
  return values.map((value) => value.toFixed(2)).join(' ');
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}
