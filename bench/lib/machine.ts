/**
 * The machine a run measured and how loaded it was: CPUs, kernel, Node, the client, the code
 * (bench/lib/fingerprint.ts), and the load average before, during (sampled every few seconds
 * and at each phase's start) and after, since on a shared machine the figures mean little
 * without it.
 */
import { availableParallelism, cpus, loadavg, release } from 'node:os';
import { codeFingerprint, type CodeFingerprint } from './fingerprint.ts';

export interface MachineInfo {
  startedAt: string;
  finishedAt: string;
  nproc: number;
  cpuModel: string;
  kernel: string;
  node: string;
  client: string;
  /** Versions of the peers measured (PM2, Gunicorn), and why any was skipped. */
  peers: Record<string, string>;
  skipped: string[];
  code: CodeFingerprint;
  load: {
    before: number[];
    after: number[];
    /** 1-minute load average every `LOAD_EVERY_MS` during the run. */
    during: number[];
    phases: Array<{ phase: string; at: string; loadavg: number[] }>;
  };
}

const LOAD_EVERY_MS = 5_000;

/** Starts recording; `finish()` stops the sampler and stamps the end. */
export function recordMachine(
  root: string,
  client: string,
): { info: MachineInfo; phase(name: string): void; finish(): MachineInfo } {
  const info: MachineInfo = {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    kernel: release(),
    node: process.version,
    client,
    peers: {},
    skipped: [],
    code: codeFingerprint(root),
    load: { before: loadavg(), after: [], during: [], phases: [] },
  };
  const timer = setInterval(() => info.load.during.push(loadavg()[0] ?? 0), LOAD_EVERY_MS);
  timer.unref();
  return {
    info,
    phase(name) {
      info.load.phases.push({ phase: name, at: new Date().toISOString(), loadavg: loadavg() });
    },
    finish() {
      clearInterval(timer);
      info.load.after = loadavg();
      info.finishedAt = new Date().toISOString();
      return info;
    },
  };
}
