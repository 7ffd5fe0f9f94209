/**
 * CPU accounting from /proc (Linux): per-process user+system ticks, the children of a process,
 * and the whole machine's busy time, so a measurement can say how much CPU the client, the
 * server's master, its workers and everything else on this shared machine used.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** `getconf CLK_TCK`, once (100 on every Linux this is likely to run on). */
export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      ticksPerSecond = 100;
    }
    if (!Number.isFinite(ticksPerSecond) || ticksPerSecond <= 0) ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/** utime + stime of one process in clock ticks, or undefined once it is gone. */
export function processTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime is field 14, stime field 15.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** Resident set size of a process in MiB, or NaN once it is gone. */
export function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kib === undefined ? Number.NaN : Number(kib) / 1024;
  } catch {
    return Number.NaN;
  }
}

/**
 * The worker processes of a server: direct children of its master that run the same executable
 * (corral's master also has a child `esbuild --service` from tsx, which is no worker).
 */
export function workerPidsOf(master: number): number[] {
  const exe = executable(master);
  return childPids(master).filter((pid) => executable(pid) === exe);
}

function executable(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

/** Direct children of a process (from /proc/PID/task/TID/children). */
export function childPids(pid: number): number[] {
  const out = new Set<number>();
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  for (const tid of tasks) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      for (const child of text.split(/\s+/)) if (child !== '') out.add(Number(child));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return [...out];
}

/** The machine's ticks, summed over all CPUs (first line of /proc/stat). */
export function machineTicks(): { busy: number; irq: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  // Guest time is already included in user, so it is not added again.
  return { busy: user + nice + system + irq + softirq, irq: irq + softirq, steal };
}

export interface CpuGroups {
  client: number[];
  master: number[];
  workers: number[];
}

/** CPU use over a window, in percent of one core (so 2 fully busy cores = 200). */
export interface CpuUsage {
  client: number;
  master: number;
  /** All workers together, and each worker (in the order of the pids given). */
  workers: number;
  perWorker: number[];
  /**
   * Interrupt and softirq time. On loopback most of the TCP stack's receive work runs here, and
   * it is not charged to any process, so it is the network's share rather than noise.
   */
  irq: number;
  /** Time the hypervisor gave to someone else while this VM wanted to run. */
  steal: number;
  /** Every other process on this shared machine (and this bench's own orchestration). */
  others: number;
}

interface Sample {
  at: number;
  machine: { busy: number; irq: number; steal: number };
  perPid: Map<number, number>;
}

/**
 * Samples the groups' CPU every `intervalMs` until stopped, and reports the usage between the
 * first sample and the last one taken while the client was still running (its exit ends the
 * load, and its ticks cannot be read after that).
 *
 * @example
 * const sampler = startCpuSampler(() => ({ client: [wrk.pid], master: [pid], workers }));
 * await load; const usage = sampler.stop();
 */
export function startCpuSampler(
  groups: () => CpuGroups,
  intervalMs = 250,
): { stop(): CpuUsage | undefined } {
  const samples: Sample[] = [];
  const take = (): void => {
    const g = groups();
    const perPid = new Map<number, number>();
    for (const pid of [...g.client, ...g.master, ...g.workers]) {
      const ticks = processTicks(pid);
      if (ticks !== undefined) perPid.set(pid, ticks);
    }
    // No window before the client exists, nor after it has gone.
    const clientAlive = g.client.length > 0 && g.client.every((pid) => perPid.has(pid));
    if (clientAlive) samples.push({ at: Date.now(), machine: machineTicks(), perPid });
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const first = samples[0];
      const last = samples[samples.length - 1];
      if (first === undefined || last === undefined || last === first) return undefined;
      const g = groups();
      const hz = clockTicks();
      const seconds = (last.at - first.at) / 1000;
      const percent = (pids: number[]): number => {
        let ticks = 0;
        for (const pid of pids) {
          const a = first.perPid.get(pid);
          const b = last.perPid.get(pid);
          if (a !== undefined && b !== undefined) ticks += b - a;
        }
        return (100 * ticks) / hz / seconds;
      };
      const client = percent(g.client);
      const master = percent(g.master);
      const perWorker = g.workers.map((pid) => percent([pid]));
      const workers = perWorker.reduce((a, b) => a + b, 0);
      const machine = (key: 'busy' | 'irq' | 'steal'): number =>
        (100 * (last.machine[key] - first.machine[key])) / hz / seconds;
      const irq = machine('irq');
      return {
        client,
        master,
        workers,
        perWorker,
        irq,
        steal: machine('steal'),
        others: Math.max(0, machine('busy') - irq - client - master - workers),
      };
    },
  };
}
