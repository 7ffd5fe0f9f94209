/**
 * Only the replacement part of `npm run bench` (bench/phases/replacement.ts): one worker
 * SIGKILLed at a time → a new pid answering, for corral, corral --standby 1 (when this corral
 * takes it), Node cluster re-forking from its `exit` event, PM2 and Gunicorn, killed in turns.
 * The same as `npm run bench -- --phases replacement`, without the rest of the report.
 *
 *   node --import tsx bench/worker-replacement.ts [--kills 20] [--settle 200]
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findPeers, replacementContenders } from './contenders/index.ts';
import { killAllServers } from './lib/server.ts';
import { runReplacement } from './phases/replacement.ts';
import { renderReplacement } from './report/supervision.ts';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '20' },
    settle: { type: 'string', default: '200' },
  },
});
const root = fileURLToPath(new URL('..', import.meta.url));
const log = (line: string): void => void process.stderr.write(`${line}\n`);
process.on('exit', killAllServers);
process.on('SIGINT', () => process.exit(130));

const peers = findPeers(root, log);
for (const note of peers.notes) log(note);
const loadBefore = loadavg()[0] ?? 0;
const results = await runReplacement(
  replacementContenders(root, peers),
  { workers: 2, kills: Number(values.kills), settleMs: Number(values.settle) },
  log,
  log,
);
process.stdout.write(renderReplacement(results, 2));
process.stdout.write(`load average ${loadBefore.toFixed(2)} → ${(loadavg()[0] ?? 0).toFixed(2)}\n`);
