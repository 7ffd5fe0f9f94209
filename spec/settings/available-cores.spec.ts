import test, { type ExecutionContext } from 'ava';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  autoWorkerCount,
  availableCores,
  resolveWorkerCount,
  type CgroupFiles,
} from '../../settings/available-cores.ts';

/** A fake /sys/fs/cgroup and /proc/self/cgroup in a temp dir, holding the given files. */
function cgroupTree(t: ExecutionContext, files: Record<string, string>): CgroupFiles {
  const root = mkdtempSync(join(tmpdir(), 'corral-cgroup-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), `${text}\n`);
  }
  return {
    v2Root: join(root, 'v2'),
    v1CpuRoot: join(root, 'v1-cpu'),
    selfCgroup: join(root, 'self-cgroup'),
  };
}

test('cgroup v2: a quota of 1.5 CPUs is 2 cores', (t) => {
  const files = cgroupTree(t, {
    'self-cgroup': '0::/app.slice/web',
    'v2/app.slice/web/cpu.max': '150000 100000',
  });
  t.is(availableCores(8, files), 2);
});

test('cgroup v2: no quota ("max") leaves the affinity count', (t) => {
  const files = cgroupTree(t, {
    'self-cgroup': '0::/app.slice/web',
    'v2/app.slice/web/cpu.max': 'max 100000',
  });
  t.is(availableCores(3, files), 3);
});

test("cgroup v2: the root's cpu.max counts when the process's own cgroup has none", (t) => {
  const files = cgroupTree(t, { 'self-cgroup': '0::/', 'v2/cpu.max': '200000 100000' });
  t.is(availableCores(8, files), 2);
});

test('cgroup v1: the cpu controller quota over its period, rounded up', (t) => {
  const files = cgroupTree(t, {
    'self-cgroup': '5:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc',
    'v1-cpu/docker/abc/cpu.cfs_quota_us': '250000',
    'v1-cpu/docker/abc/cpu.cfs_period_us': '100000',
  });
  t.is(availableCores(8, files), 3);
});

test('cgroup v1: a quota of -1 is no limit', (t) => {
  const files = cgroupTree(t, {
    'self-cgroup': '4:cpu,cpuacct:/',
    'v1-cpu/cpu.cfs_quota_us': '-1',
    'v1-cpu/cpu.cfs_period_us': '100000',
  });
  t.is(availableCores(6, files), 6);
});

test('an affinity smaller than the quota wins', (t) => {
  const files = cgroupTree(t, {
    'self-cgroup': '0::/web',
    'v2/web/cpu.max': '400000 100000',
  });
  t.is(availableCores(1, files), 1);
});

test('a quota under one CPU still gives one core; no cgroup files give the affinity', (t) => {
  const small = cgroupTree(t, { 'self-cgroup': '0::/web', 'v2/web/cpu.max': '10000 100000' });
  t.is(availableCores(4, small), 1);
  t.is(availableCores(4, cgroupTree(t, {})), 4);
});

test('auto is one worker per core for async and 2 × cores + 1 for sync', (t) => {
  t.is(autoWorkerCount('async', 2), 2);
  t.is(autoWorkerCount('sync', 2), 5);
  t.is(
    resolveWorkerCount({ workers: 'auto', workerClass: 'sync' }, () => 3),
    7,
  );
  t.is(
    resolveWorkerCount({ workers: 4, workerClass: 'sync' }, () => 3),
    4,
  );
});

test('this machine has at least one core available', (t) => {
  t.true(availableCores() >= 1);
});
