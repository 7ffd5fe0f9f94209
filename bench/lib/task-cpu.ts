/**
 * One process's CPU time in nanoseconds, and which process of a server serves its requests.
 *
 * The CPU comes from /proc/PID/task/TID/schedstat, whose first field is the time that thread
 * has run, in ns, kept by the scheduler. Summed over every thread (the main thread, libuv's
 * pool, V8's compiler and GC helpers), it resolves a few hundred nanoseconds per request over a
 * few seconds' load, where utime + stime in /proc/PID/stat moves in 10 ms ticks. Threads that
 * exit between two readings take their time with them, so `processTicks` (which keeps the dead
 * threads' time) is read beside it as a cross-check.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { childPids, workerPidsOf } from './proc.ts';

/** Sum of every thread's run time in ns, or undefined once the process is gone. */
export function taskCpuNs(pid: number): number | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  let sum = 0;
  for (const tid of tids) {
    try {
      const first = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0];
      sum += Number(first);
    } catch {
      // The thread ended between the listing and the read: its time is lost either way.
    }
  }
  return sum;
}

/** The process's command line as `ps` shows it (a process title replaces it). */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

/**
 * The processes that serve a server's requests: for corral the master's children titled
 * `corral: worker [...]` (not the esbuild service tsx may leave beside them), for the bare
 * server its forked children (bench/lib/proc.ts `workerPidsOf`).
 */
export function servingPids(master: number, kind: 'bare' | 'corral'): number[] {
  if (kind === 'bare') return workerPidsOf(master);
  return childPids(master).filter((pid) => commandLine(pid).startsWith('corral: worker'));
}
