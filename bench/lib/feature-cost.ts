/**
 * What a feature costs: corral serving the same app with and without it, the same load on both,
 * in interleaved rounds (the order alternates) so drifts in the machine's load land on both
 * alike. Reports requests/s, the workers' and the master's CPU time per request (from /proc),
 * which neighbours' load disturbs much less than throughput, and the load average.
 */
import { loadavg } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { clientVersion, detectClient, runLoad } from './load.ts';
import { clockTicks, processTicks } from './proc.ts';
import { killAllServers, startServer, type RunningServer } from './server.ts';
import { median } from './stats.ts';

/** How much load a throughput measurement puts on, shared by the benches that take rounds. */
export interface LoadShape {
  rounds: number;
  durationS: number;
  warmupS: number;
  connections: number;
  threads: number;
  workers: number;
}

export interface FeatureCostOptions extends LoadShape {
  root: string;
  /** corral's arguments without the feature, and with it. */
  without: { name: string; args: string[] };
  with: { name: string; args: string[] };
  /**
   * Started once per server before the first round, stopped after the last: what else runs
   * while it is measured (a page following its live view, a scraper). Returns its stop.
   */
  alongside?: (server: RunningServer) => Promise<() => void>;
}

/** The command line every feature-cost bench takes, plus its own options. */
export function featureCostArgs(extra: NonNullable<ParseArgsConfig['options']> = {}) {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '10' },
      duration: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '64' },
      threads: { type: 'string', default: '2' },
      workers: { type: 'string', default: '2' },
      ...extra,
    },
  });
  const text = values as Record<string, string | undefined>;
  const load = {
    rounds: Number(text.rounds),
    durationS: Number(text.duration),
    warmupS: Number(text.warmup),
    connections: Number(text.connections),
    threads: Number(text.threads),
    workers: Number(text.workers),
  };
  return { values: text, load };
}

interface Round {
  rps: number;
  workerUs: number;
  masterUs: number;
}

export async function measureFeatureCost(options: FeatureCostOptions): Promise<void> {
  const client = detectClient();
  process.on('exit', () => killAllServers());
  const servers: RunningServer[] = [];
  for (const { name, args } of [options.without, options.with]) {
    const spec = {
      name,
      command: process.execPath,
      args,
      cwd: options.root,
      workers: options.workers,
    };
    servers.push(await startServer(spec));
  }
  log(
    `${clientVersion(client)}, ${options.rounds} rounds x ${options.durationS} s, ` +
      `${options.connections} connections, load average ${loadavg()[0]!.toFixed(2)}`,
  );
  const stopAlongside: Array<() => void> = [];
  for (const server of servers) {
    if (options.alongside !== undefined) stopAlongside.push(await options.alongside(server));
  }
  const measure = (server: RunningServer, seconds: number) =>
    measureOne(client, server, seconds, options);
  for (const server of servers) await measure(server, options.warmupS);
  const results = new Map<string, Round[]>(servers.map((s) => [s.spec.name, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const server of order) {
      const result = await measure(server, options.durationS);
      results.get(server.spec.name)!.push(result);
      log(
        `  round ${round + 1} ${server.spec.name.padEnd(16)} ${result.rps.toFixed(0)} req/s  ` +
          `workers ${result.workerUs.toFixed(1)} us/req  master ${result.masterUs.toFixed(2)} us/req`,
      );
    }
  }
  summarize(results.get(options.without.name)!, results.get(options.with.name)!);
  log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (const stop of stopAlongside) stop();
  for (const server of servers) await server.stop();
}

function summarize(without: Round[], withIt: Round[]): void {
  const rpsWithout = without.map((r) => r.rps);
  const rpsWith = withIt.map((r) => r.rps);
  const paired = rpsWith.map((value, i) => value / rpsWithout[i]!);
  log(
    `median without: ${median(rpsWithout).toFixed(0)} req/s, with: ${median(rpsWith).toFixed(0)} req/s`,
  );
  log(`ratio of medians: ${(median(rpsWith) / median(rpsWithout)).toFixed(3)}`);
  log(
    `median of per-round ratios: ${median(paired).toFixed(3)} ` +
      `(min ${Math.min(...paired).toFixed(3)}, max ${Math.max(...paired).toFixed(3)})`,
  );
  for (const key of ['workerUs', 'masterUs'] as const) {
    const a = median(without.map((r) => r[key]));
    const b = median(withIt.map((r) => r[key]));
    const who = key === 'workerUs' ? 'worker' : 'master';
    log(`${who} CPU per request: ${a.toFixed(2)} us without, ${b.toFixed(2)} us with`);
  }
}

async function measureOne(
  client: ReturnType<typeof detectClient>,
  server: RunningServer,
  seconds: number,
  options: FeatureCostOptions,
): Promise<Round> {
  const pids = server.workerPids();
  const workersBefore = ticksOf(pids);
  const masterBefore = processTicks(server.pid) ?? 0;
  const result = await runLoad(client, {
    url: server.url,
    connections: options.connections,
    durationS: seconds,
    threads: options.threads,
    close: false,
  });
  if (result.errors > 0)
    log(`  ${server.spec.name}: ${result.errors} errors ${result.errorDetail}`);
  const perRequest = (ticks: number) =>
    ((ticks / clockTicks()) * 1e6) / Math.max(1, result.requests);
  return {
    rps: result.rps,
    workerUs: perRequest(ticksOf(pids) - workersBefore),
    masterUs: perRequest((processTicks(server.pid) ?? 0) - masterBefore),
  };
}

function ticksOf(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (processTicks(pid) ?? 0), 0);
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}
