/**
 * Throughput: every contender serving bench/app/hello.js at once, warmed up, then measured in
 * rounds. Within a round each profile runs every contender back to back (A, B, C, ...), and
 * the order rotates from round to round, so slow drifts in the machine's background load
 * spread over all contenders instead of landing on one. CPU comes from /proc during each
 * measurement, split into the client, the master, the workers and everyone else.
 */
import type { Contender } from '../contenders/index.ts';
import type { BenchOptions } from '../lib/options.ts';
import { runLoad, type LoadResult } from '../lib/load.ts';
import { rssMiB, startCpuSampler, type CpuUsage } from '../lib/proc.ts';
import type { RunningServer } from '../lib/server.ts';
import { connectionsByPid } from '../lib/sockets.ts';
import { pct, rotate, startOrSkip } from './util.ts';

export interface Measurement {
  round: number;
  profile: string;
  contender: string;
  load: LoadResult;
  cpu: CpuUsage | undefined;
  /** Worker (and master) CPU time per request, in microseconds. */
  workerUsPerRequest: number;
  masterUsPerRequest: number;
  /** Established connections per worker, sampled mid-run. */
  connectionSplit: number[];
  /** Each worker's resident memory right after the measurement. */
  workerRssMiB: number[];
  notes: string[];
}

export interface ThroughputResult {
  contenders: string[];
  measurements: Measurement[];
  /** The master's exit after SIGTERM, and anything unusual it logged. */
  serverExits: Record<string, number | string>;
  serverNotes: Record<string, string[]>;
}

export async function runThroughput(
  contenders: Contender[],
  opts: BenchOptions,
  log: (line: string) => void,
  skip: (note: string) => void,
): Promise<ThroughputResult> {
  const result: ThroughputResult = {
    contenders: [],
    measurements: [],
    serverExits: {},
    serverNotes: {},
  };
  const servers: RunningServer[] = [];
  try {
    for (const contender of contenders) {
      const server = await startOrSkip(contender, 'hello', opts.workers, skip);
      if (server === undefined) continue;
      servers.push(server);
      result.contenders.push(contender.name);
      log(
        `  ${contender.name}: ready at ${server.url} in ${server.readyMs.toFixed(0)} ms ` +
          `(master ${server.pid}, workers ${server.workerPids().join(' ')})`,
      );
    }

    if (opts.warmupS > 0) {
      log(`warm-up: ${opts.warmupS} s per contender and profile`);
      for (const server of servers) {
        for (const profile of opts.profiles) await measure(server, profile, opts.warmupS, opts);
      }
    }

    for (let round = 0; round < opts.rounds; round += 1) {
      const order = rotate(servers, round);
      const profileOrder = round % 2 === 0 ? opts.profiles : [...opts.profiles].reverse();
      for (const profile of profileOrder) {
        for (const server of order) {
          const m = await measure(server, profile, opts.durationS, opts);
          result.measurements.push({ round, profile, contender: server.spec.name, ...m });
          log(
            `  round ${round + 1}/${opts.rounds} ${profile.padEnd(10)} ${server.spec.name.padEnd(13)} ` +
              `${m.load.rps.toFixed(0).padStart(6)} req/s  p99 ${m.load.p99Ms.toFixed(2)} ms  ` +
              `cpu client ${pct(m.cpu?.client)} master ${pct(m.cpu?.master)} ` +
              `workers ${pct(m.cpu?.workers)} others ${pct(m.cpu?.others)}  ` +
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
      result.serverExits[server.spec.name] = exit.code ?? exit.signal ?? 'unknown';
      // A master that does not exit 0 on SIGTERM is a finding: keep what it said last.
      if (exit.code !== 0) {
        (result.serverNotes[server.spec.name] ??= []).push(
          `exit ${exit.code ?? exit.signal} after SIGTERM; log tail: ${server.logTail()}`,
        );
      }
    }
  }
  for (const m of result.measurements) {
    if (m.notes.length > 0) (result.serverNotes[m.contender] ??= []).unshift(...m.notes);
  }
  return result;
}

async function measure(
  server: RunningServer,
  profile: string,
  seconds: number,
  opts: BenchOptions,
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
    load = await runLoad(opts.client, {
      url: server.url,
      connections: opts.connections,
      durationS: seconds,
      threads: opts.threads,
      close: profile === 'close',
      onSpawn: (pid) => (clientPid = pid),
    });
  } catch (error) {
    sampler.stop();
    throw error;
  } finally {
    clearTimeout(splitTimer);
  }
  const cpu = sampler.stop();
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
