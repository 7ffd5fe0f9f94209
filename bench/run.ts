/**
 * corral against a bare 2-process Node server (the ceiling) and every peer, in one session.
 * See docs/benchmarks.md ("How to run").
 *
 *   npm run bench                  # the full run, about 20 min: 20 rounds x 3 s, 20 kills, ...
 *   npm run bench -- --quick       # a first look, about 3-4 min: 3 rounds x 2 s, 5 kills, ...
 *   npm run bench -- --help        # every option; --phases runs a part, --out FILE.json
 *
 * The phases, in order (each one's file says how it measures):
 *   throughput   bench/phases/throughput.ts   corral -k async / -k sync, bare, cluster RR and
 *                                             SCHED_NONE, PM2 cluster mode, Gunicorn sync;
 *                                             keep-alive and Connection: close; ratios to bare
 *   replacement  bench/phases/replacement.ts  SIGKILL one worker -> a new pid answers; corral,
 *                                             corral --standby 1, cluster, PM2, Gunicorn
 *   startup      bench/phases/startup.ts      spawn -> 8 workers ready
 *   footprint    bench/phases/footprint.ts    master RSS with -w 4, master CPU while idle
 *
 * PM2 is installed by the bench into bench/.peers/pm2 (gitignored, never a dependency of
 * corral); Gunicorn is used when `gunicorn` is on the PATH. A peer that is missing, or a corral
 * that rejects --standby, is skipped with a note in the report. The Markdown report goes to
 * stdout, progress to stderr, the raw results to --out (or bench/results/, gitignored).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  bootContenders,
  findPeers,
  replacementContenders,
  throughputContenders,
} from './contenders/index.ts';
import { clientVersion } from './lib/load.ts';
import { recordMachine } from './lib/machine.ts';
import { readOptions } from './lib/options.ts';
import { killAllServers } from './lib/server.ts';
import { runFootprint, type FootprintResult } from './phases/footprint.ts';
import { runReplacement, type ReplacementResult } from './phases/replacement.ts';
import { runStartup, type StartupResult } from './phases/startup.ts';
import { runThroughput, type ThroughputResult } from './phases/throughput.ts';
import { renderMachine } from './report/machine.ts';
import { renderFootprint, renderReplacement, renderStartup } from './report/supervision.ts';
import { renderThroughput } from './report/throughput.ts';

const opts = readOptions();
const root = fileURLToPath(new URL('..', import.meta.url));
const log = (line: string): void => void process.stderr.write(`${line}\n`);

// Whatever happens, no server (nor PM2 daemon) may outlive the bench.
process.on('exit', killAllServers);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    log(`\nbench: ${signal}, killing the servers`);
    process.exit(130);
  });
}

const machine = recordMachine(root, clientVersion(opts.client));
log(
  `bench${opts.quick ? ' --quick' : ''}: ${opts.phases.join(', ')}; ${machine.info.client}; ` +
    `load average ${machine.info.load.before.map((v) => v.toFixed(2)).join(' ')}`,
);
const peers = findPeers(root, log);
machine.info.peers = {
  PM2: peers.pm2 ?? 'skipped',
  Gunicorn: peers.gunicorn ?? 'skipped',
  'corral --standby': peers.standby ? 'accepted' : 'rejected',
};
machine.info.skipped = peers.notes;
for (const note of peers.notes) log(`  ${note}`);

const throughputList = throughputContenders(root, peers).filter(
  (c) => opts.contenders === undefined || opts.contenders.includes(c.name),
);
const replacementList = replacementContenders(root, peers);
const bootList = bootContenders(root, peers);

// A hard upper bound on the whole run, in case something hangs: every step at its worst.
const budgetS =
  opts.rounds * opts.profiles.length * throughputList.length * (opts.durationS + 5) +
  throughputList.length * opts.profiles.length * (opts.warmupS + 5) +
  opts.kills * replacementList.length * 25 +
  opts.startupRuns * bootList.length * 80 +
  opts.idleS +
  bootList.length * 60 +
  600;
setTimeout(() => {
  log('bench: over its time budget, killing the servers');
  process.exit(1);
}, budgetS * 1000).unref();

const results: {
  throughput?: ThroughputResult;
  replacement?: ReplacementResult[];
  startup?: StartupResult[];
  footprint?: FootprintResult[];
} = {};
for (const phase of opts.phases) {
  machine.phase(phase);
  log(`== ${phase}`);
  // A contender that does not start is skipped with a note; a phase that fails is reported
  // and the others still run.
  const skip = (note: string): void => {
    log(`  skipped: ${note}`);
    machine.info.skipped.push(`${phase}: ${note}`);
  };
  try {
    if (phase === 'throughput') {
      results.throughput = await runThroughput(throughputList, opts, log, skip);
    }
    if (phase === 'replacement') {
      results.replacement = await runReplacement(replacementList, opts, log, skip);
    }
    if (phase === 'startup') {
      const shape = { runs: opts.startupRuns, workers: opts.startupWorkers };
      results.startup = await runStartup(bootList, shape, log, skip);
    }
    if (phase === 'footprint') {
      const shape = { workers: opts.footprintWorkers, idleS: opts.idleS };
      results.footprint = await runFootprint(bootList, shape, log, skip);
    }
  } catch (error) {
    log(`bench: the ${phase} phase failed: ${(error as Error).stack ?? String(error)}`);
    machine.info.skipped.push(`${phase}: the phase failed (${(error as Error).message})`);
  }
}
const info = machine.finish();

const settings =
  `${opts.threads} thread(s), ${opts.connections} connections. Throughput: ` +
  `${opts.rounds} rounds x ${opts.durationS} s after a ${opts.warmupS} s warm-up per contender ` +
  `and profile, ${opts.workers} workers per server. Replacement: ${opts.kills} kills per ` +
  `contender, ${opts.settleMs} ms apart. Start-up: ${opts.startupRuns} runs of ` +
  `-w ${opts.startupWorkers}. Footprint: -w ${opts.footprintWorkers}, ${opts.idleS} s idle.`;
const sections = [renderMachine(info, settings)];
if (results.throughput !== undefined) {
  sections.push(
    renderThroughput(results.throughput, { profiles: opts.profiles, rounds: opts.rounds }),
  );
}
if (results.replacement !== undefined) {
  sections.push(renderReplacement(results.replacement, opts.workers));
}
if (results.startup !== undefined) sections.push(renderStartup(results.startup));
if (results.footprint !== undefined) sections.push(renderFootprint(results.footprint, opts.idleS));
process.stdout.write(sections.join('\n'));

const out =
  opts.out ??
  fileURLToPath(
    new URL(`./results/run-${info.startedAt.replace(/[:.]/g, '-')}.json`, import.meta.url),
  );
if (opts.out === undefined) {
  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
}
writeFileSync(out, JSON.stringify({ info, options: opts, ...results }, null, 2));
log(`raw results: ${out}`);
