/**
 * Replacement after SIGKILL: how long a server has one worker fewer when a worker is killed.
 *
 * Every contender serves bench/app/pid.js (or its WSGI twin), which answers with the pid of the
 * worker that served the request, and all of them run at once. "Serving again" means the same
 * for all: from the SIGKILL to the first response from a pid that was not serving before the
 * kill (bench/lib/probe.ts), whatever each server logs. Before each kill the bench waits until
 * the server is whole again (its workers, plus its standby, are its children), then asks which
 * pids serve, then kills the oldest of them. The contenders take turns kill by kill, in a
 * rotating order, so all of them see the same neighbours. The time until the server logs the
 * new worker ready (corral's, cluster's, PM2's and Gunicorn's ready lines) is kept beside it: it
 * is the earlier definition of bench/worker-replacement.ts, and shows what the probe adds.
 */
import { WORKER_READY } from '../contenders/apps.ts';
import type { Contender } from '../contenders/index.ts';
import { servingPids, waitForPid } from '../lib/probe.ts';
import type { RunningServer } from '../lib/server.ts';
import { rotate, sleep, startOrSkip } from './util.ts';

export interface ReplacementResult {
  contender: string;
  standby: number;
  /** Kill → a new pid answering, in ms, one per kill (NaN when none answered in time). */
  timesMs: number[];
  /**
   * Kill → the server logging that pid ready, for comparison (NaN when it logged it before the
   * kill, as for a promoted standby, or not at all).
   */
  loggedMs: number[];
  /** Probe requests that failed between a kill and the new worker's first answer. */
  probeErrors: number;
  probeRequests: number;
  notes: string[];
  exit: number | string;
}

export interface ReplacementOptions {
  workers: number;
  kills: number;
  settleMs: number;
  /** Longest wait for a replacement before the kill counts as failed. */
  timeoutMs?: number;
}

export async function runReplacement(
  contenders: Contender[],
  opts: ReplacementOptions,
  log: (line: string) => void,
  skip: (note: string) => void,
): Promise<ReplacementResult[]> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const entries: Array<{ contender: Contender; server: RunningServer; result: ReplacementResult }> =
    [];
  try {
    for (const contender of contenders) {
      const server = await startOrSkip(contender, 'pid', opts.workers, skip);
      if (server === undefined) continue;
      entries.push({
        contender,
        server,
        result: {
          contender: contender.name,
          standby: contender.standby ?? 0,
          timesMs: [],
          loggedMs: [],
          probeErrors: 0,
          probeRequests: 0,
          notes: [],
          exit: 'running',
        },
      });
      log(`  ${contender.name}: ready at ${server.url} (workers ${server.workerPids().join(' ')})`);
    }

    for (let kill = 0; kill < opts.kills; kill += 1) {
      for (const { contender, server, result } of rotate(entries, kill)) {
        const ms = await killOne(server, contender, opts.workers, timeoutMs, result);
        result.timesMs.push(ms);
        log(
          `  kill ${kill + 1}/${opts.kills} ${contender.name.padEnd(15)} ` +
            `${Number.isNaN(ms) ? 'no replacement' : `${ms.toFixed(1)} ms`}`,
        );
        // Let the server settle before the next kill, as an operator's kill would find it.
        await sleep(opts.settleMs);
      }
    }
  } finally {
    for (const { server, result } of entries) {
      const exit = await server.stop();
      result.exit = exit.code ?? exit.signal ?? 'unknown';
      if (exit.code !== 0) result.notes.push(`exit ${result.exit} after SIGTERM`);
    }
  }
  return entries.map((e) => e.result);
}

async function killOne(
  server: RunningServer,
  contender: Contender,
  workers: number,
  timeoutMs: number,
  result: ReplacementResult,
): Promise<number> {
  // Whole again: every worker and standby back (a standby is refilled after a promotion).
  const children = workers + (contender.standby ?? 0);
  const wholeBy = performance.now() + timeoutMs;
  while (server.workerPids().length < children && performance.now() < wholeBy) await sleep(20);
  if (server.workerPids().length < children) {
    note(result, `only ${server.workerPids().length} of ${children} workers before a kill`);
  }

  let serving = await servingPids(server.port, workers);
  if (serving.size < workers) {
    // Not every worker answered in time; counting every child as old rather than risk taking
    // an old worker for the replacement (this makes a standby's promotion look slower).
    note(result, `only ${serving.size} of ${workers} workers answered before a kill`);
    serving = new Set([...serving, ...server.workerPids()]);
  }
  const victim = Math.min(...serving);
  // When the server logs each worker ready after the kill, to set beside the probe's figure.
  const logged = new Map<number, number>();
  const lines: string[] = [];
  const stopListening = server.onLine((line) => {
    lines.push(line);
    const ready = WORKER_READY.exec(line);
    if (ready) logged.set(Number(ready[1]), performance.now());
  });
  const started = performance.now();
  try {
    process.kill(victim, 'SIGKILL');
  } catch (error) {
    stopListening();
    note(result, `could not kill ${victim}: ${(error as Error).message}`);
    result.loggedMs.push(Number.NaN);
    return Number.NaN;
  }
  const found = await waitForPid(server.port, (pid) => !serving.has(pid), { timeoutMs });
  if (found !== undefined && (contender.standby ?? 0) === 0) {
    // The master may log the ready line a moment after the worker first answers.
    const by = performance.now() + 500;
    while (!logged.has(found.pid) && performance.now() < by) await sleep(5);
  }
  stopListening();
  // Whatever the server said besides reporting the kill itself is worth keeping (a back-off, a
  // worker that failed to boot), without its timestamp so that repeats are kept once.
  for (const line of lines) {
    if (/WARN|ERROR|CRITICAL/i.test(line) && !/SIGKILL|signal 9/i.test(line)) {
      note(result, line.replace(/^(\[[^\]]*\] ?)+/, ''));
    }
  }
  if (found === undefined) {
    note(result, `no new worker answered within ${timeoutMs} ms of a kill`);
    result.loggedMs.push(Number.NaN);
    return Number.NaN;
  }
  result.probeErrors += found.errors;
  result.probeRequests += found.requests;
  result.loggedMs.push((logged.get(found.pid) ?? Number.NaN) - started);
  return found.at - started;
}

function note(result: ReplacementResult, text: string): void {
  if (!result.notes.includes(text)) result.notes.push(text);
}
