/**
 * `-w auto`: how many cores this process may really use, and the worker count that follows.
 *
 * `os.availableParallelism()` counts the CPU affinity mask only. In a container the limit that
 * matters is usually the cgroup CPU quota (`docker run --cpus 2`, a Kubernetes CPU limit), which
 * the kernel enforces by throttling, not by hiding cores; so the quota is read too, from cgroup
 * v2 (`cpu.max`) or v1 (`cpu.cfs_quota_us` / `cpu.cfs_period_us`), and the smaller count wins.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { WorkerClassName } from '../protocol/worker-boot.ts';

/** Where the cgroup files are read from; a spec points it at a directory of its own. */
export interface CgroupFiles {
  /** The cgroup v2 mount, `/sys/fs/cgroup`. */
  v2Root: string;
  /** The cgroup v1 cpu controller's mount, `/sys/fs/cgroup/cpu`. */
  v1CpuRoot: string;
  /** This process's cgroup paths, `/proc/self/cgroup`. */
  selfCgroup: string;
}

const systemFiles: CgroupFiles = {
  v2Root: '/sys/fs/cgroup',
  v1CpuRoot: '/sys/fs/cgroup/cpu',
  selfCgroup: '/proc/self/cgroup',
};

/**
 * The cores available: the affinity count, capped by a cgroup quota rounded up; at least 1.
 *
 * @example
 * availableCores(); // 2 on a 2-core machine with no quota
 */
export function availableCores(
  affinity = availableParallelism(),
  files: CgroupFiles = systemFiles,
): number {
  const quota = cgroupQuota(files);
  const cores = quota === undefined ? affinity : Math.min(affinity, Math.ceil(quota));
  return Math.max(1, cores);
}

/**
 * The worker count `auto` stands for: one per core for `async`, whose workers each keep a core
 * busy with many connections; `2 × cores + 1` for `sync`, whose workers wait on one request each
 * (the Gunicorn design's rule of thumb).
 *
 * @example
 * autoWorkerCount('sync', 2); // 5
 */
export function autoWorkerCount(workerClass: WorkerClassName, cores: number): number {
  return workerClass === 'sync' ? 2 * cores + 1 : cores;
}

/**
 * The resolved count for a `workers` setting that may be `auto`.
 *
 * @example
 * resolveWorkerCount({ workers: 'auto', workerClass: 'async' }); // availableCores()
 */
export function resolveWorkerCount(
  settings: { workers: number | 'auto'; workerClass: WorkerClassName },
  cores: () => number = availableCores,
): number {
  return settings.workers === 'auto'
    ? autoWorkerCount(settings.workerClass, cores())
    : settings.workers;
}

/** CPUs' worth of quota (1.5 for `150000 100000`), or undefined when there is no limit. */
function cgroupQuota(files: CgroupFiles): number | undefined {
  const paths = ownCgroupPaths(files.selfCgroup);
  const v2 =
    readText(`${files.v2Root}${paths.v2 ?? ''}/cpu.max`) ?? readText(`${files.v2Root}/cpu.max`);
  if (v2 !== undefined) {
    const [quota, period] = v2.split(/\s+/);
    return ratio(quota, period);
  }
  const v1Dir = `${files.v1CpuRoot}${paths.v1 ?? ''}`;
  const quota =
    readText(`${v1Dir}/cpu.cfs_quota_us`) ?? readText(`${files.v1CpuRoot}/cpu.cfs_quota_us`);
  const period =
    readText(`${v1Dir}/cpu.cfs_period_us`) ?? readText(`${files.v1CpuRoot}/cpu.cfs_period_us`);
  return ratio(quota, period);
}

function ratio(quota: string | undefined, period: string | undefined): number | undefined {
  if (quota === undefined || period === undefined || quota === 'max') return undefined;
  const q = Number(quota);
  const p = Number(period);
  return q > 0 && p > 0 ? q / p : undefined;
}

/** This process's own cgroup directory, for v2 (`0::/path`) and v1's cpu controller. */
function ownCgroupPaths(selfCgroup: string): { v2?: string; v1?: string } {
  const paths: { v2?: string; v1?: string } = {};
  for (const line of (readText(selfCgroup) ?? '').split('\n')) {
    const [, controllers, path] = line.split(':');
    if (path === undefined || path === '/') continue;
    if (controllers === '') paths.v2 = path;
    else if (controllers?.split(',').includes('cpu') === true) paths.v1 = path;
  }
  return paths;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}
