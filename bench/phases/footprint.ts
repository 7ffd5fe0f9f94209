/**
 * Footprint: each contender with `workers` workers (bench/app/pid.js), all started, left alone
 * for a moment, then read together over an idle window: the master's RSS, the master's CPU over
 * the window (from /proc ticks, so 10 s resolve 0.1% of a core at 100 Hz) and the workers' RSS.
 * A plain idle `node` process is read alongside as the floor any Node master starts from.
 */
import { spawn } from 'node:child_process';
import type { Contender } from '../contenders/index.ts';
import { clockTicks, processTicks, rssMiB } from '../lib/proc.ts';
import type { RunningServer } from '../lib/server.ts';
import { median } from '../lib/stats.ts';
import { sleep, startOrSkip } from './util.ts';

export interface FootprintResult {
  contender: string;
  workers: number;
  masterRssMiB: number;
  /** % of one core over the idle window. */
  masterIdleCpu: number;
  workerRssMiB: number;
  notes: string[];
}

export const NODE_FLOOR = 'node (idle, no server)';

export async function runFootprint(
  contenders: Contender[],
  opts: { workers: number; idleS: number },
  log: (line: string) => void,
  skip: (note: string) => void,
): Promise<FootprintResult[]> {
  const servers: RunningServer[] = [];
  // `node -e` with a timer: what a Node master costs before it does anything.
  const floor = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], {
    stdio: 'ignore',
  });
  const killFloor = (): void => void floor.kill('SIGKILL');
  process.once('exit', killFloor);
  try {
    for (const contender of contenders) {
      const server = await startOrSkip(contender, 'pid', opts.workers, skip);
      if (server === undefined) continue;
      servers.push(server);
      log(`  ${contender.name}: ${opts.workers} workers ready (master ${server.pid})`);
    }
    // Past the boot: the masters' start-up work and its garbage collected.
    await sleep(2_000);
    const masters = [...servers.map((s) => s.pid), floor.pid ?? 0];
    const before = masters.map(processTicks);
    const t0 = performance.now();
    log(`  idle window: ${opts.idleS} s`);
    await sleep(opts.idleS * 1000);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = masters.map((pid, i) => {
      const a = before[i];
      const b = processTicks(pid);
      return a === undefined || b === undefined
        ? Number.NaN
        : (100 * (b - a)) / clockTicks() / seconds;
    });
    const results: FootprintResult[] = servers.map((server, i) => ({
      contender: server.spec.name,
      workers: opts.workers,
      masterRssMiB: rssMiB(server.pid),
      masterIdleCpu: cpu[i] ?? Number.NaN,
      workerRssMiB: median(server.workerPids().map(rssMiB)),
      notes:
        server.workerPids().length === opts.workers
          ? []
          : [`${server.workerPids().length} workers`],
    }));
    results.push({
      contender: NODE_FLOOR,
      workers: 0,
      masterRssMiB: floor.pid === undefined ? Number.NaN : rssMiB(floor.pid),
      masterIdleCpu: cpu[servers.length] ?? Number.NaN,
      workerRssMiB: Number.NaN,
      notes: [],
    });
    return results;
  } finally {
    killFloor();
    process.removeListener('exit', killFloor);
    for (const server of servers) await server.stop();
  }
}
