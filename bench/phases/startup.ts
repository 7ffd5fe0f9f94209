/**
 * Start-up: from spawning the master to its log saying all `workers` are ready (corral's
 * "Ready: N workers serving", the Nth "Worker (pid:P) ready" line for PM2 and Gunicorn, whose
 * masters print no such summary), a few times per contender. One server at a time, since
 * booting is what is measured; the contenders take turns run by run in a rotating order.
 */
import type { Contender } from '../contenders/index.ts';
import { rotate, startOrSkip } from './util.ts';

export interface StartupResult {
  contender: string;
  workers: number;
  readyMs: number[];
  notes: string[];
}

export async function runStartup(
  contenders: Contender[],
  opts: { runs: number; workers: number },
  log: (line: string) => void,
  skip: (note: string) => void,
): Promise<StartupResult[]> {
  const results = new Map<string, StartupResult>(
    contenders.map((c) => [
      c.name,
      { contender: c.name, workers: opts.workers, readyMs: [], notes: [] },
    ]),
  );
  for (let run = 0; run < opts.runs; run += 1) {
    for (const contender of rotate(contenders, run)) {
      const result = results.get(contender.name)!;
      const server = await startOrSkip(contender, 'pid', opts.workers, skip);
      if (server === undefined) continue;
      result.readyMs.push(server.readyMs);
      const exit = await server.stop();
      if (exit.code !== 0) result.notes.push(`exit ${exit.code ?? exit.signal} after SIGTERM`);
      log(
        `  start-up ${run + 1}/${opts.runs} ${contender.name.padEnd(9)} ` +
          `${opts.workers} workers ready in ${server.readyMs.toFixed(0)} ms`,
      );
    }
  }
  return [...results.values()].filter((r) => r.readyMs.length > 0);
}
