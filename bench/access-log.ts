/**
 * What the access log costs: corral serving bench/app/hello.js with and without
 * `--access-logfile FILE` (Gunicorn's default format), in interleaved rounds (see
 * lib/feature-cost.ts).
 *
 *   node --import tsx bench/access-log.ts [--rounds 10] [--duration 3] [--connections 64]
 *                                          [--file /dev/null]
 *
 * The issue's bar: a ratio of 0.90 or better. On a shared machine throughput swings with the
 * neighbours' load, so the CPU time per request (from /proc) is printed too.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { featureCostArgs, measureFeatureCost } from './lib/feature-cost.ts';

const { values: opts, load } = featureCostArgs({
  /** Where the access log goes (default: a temporary file); `/dev/null` leaves out the disk. */
  file: { type: 'string' },
});

const root = fileURLToPath(new URL('..', import.meta.url));
const app = fileURLToPath(new URL('./app/hello.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'corral-bench-access-'));
const accessFile = opts.file ?? join(dir, 'access.log');
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
process.on('SIGINT', () => process.exit(130));

const base = ['bin/corral.js', app, '-w', String(load.workers), '-b', '127.0.0.1:0'];
await measureFeatureCost({
  root,
  without: { name: 'no access log', args: base },
  with: { name: 'access log', args: [...base, '--access-logfile', accessFile] },
  ...load,
});
process.stdout.write(`access log written: ${(statSync(accessFile).size / 1e6).toFixed(1)} MB\n`);
