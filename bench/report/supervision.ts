/** The supervision tables: replacement after SIGKILL, start-up, and the idle footprint. */
import type { FootprintResult } from '../phases/footprint.ts';
import { NODE_FLOOR } from '../phases/footprint.ts';
import type { ReplacementResult } from '../phases/replacement.ts';
import type { StartupResult } from '../phases/startup.ts';
import { max, median, min, quantile } from '../lib/stats.ts';

export function renderReplacement(results: readonly ReplacementResult[], workers: number): string {
  const ref = (name: string): number =>
    median(results.find((r) => r.contender === name)?.timesMs ?? []);
  const cluster = ref('cluster');
  const gunicorn = ref('gunicorn');
  const out = [
    '### Replacement after SIGKILL',
    '',
    `${workers} workers each serving bench/app/pid.js (Gunicorn its WSGI twin), all running at ` +
      'once and killed in turns. **Time**: from the SIGKILL of the oldest serving worker to the ' +
      'first response from a pid that was not serving before the kill (a client asking ' +
      '`GET /` on new connections, 2 at a time, 1 ms apart); the same definition for every ' +
      'contender. **×cluster**, **×gunicorn**: the median divided by theirs (below 1 = faster). ' +
      '**Logged**: the median time to the server logging that pid ready, for comparison ' +
      '(– for a promoted standby, logged ready before the kill). **Probe errors**: probe ' +
      'requests that failed between a kill and that response.',
    '',
    '| contender | standby | kills | median ms | IQR ms | min – max ms | no replacement | ×cluster | ×gunicorn | logged ms | probe errors |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of results) {
    const t = r.timesMs.filter((v) => Number.isFinite(v));
    const med = median(t);
    out.push(
      `| ${r.contender} | ${r.standby} | ${r.timesMs.length} | ${ms(med)} | ` +
        `${ms(quantile(t, 0.25))} – ${ms(quantile(t, 0.75))} | ${ms(min(t))} – ${ms(max(t))} | ` +
        `${r.timesMs.length - t.length} | ${ratio(med / cluster)} | ${ratio(med / gunicorn)} | ` +
        `${ms(median(r.loggedMs))} | ${r.probeErrors} of ${r.probeRequests} |`,
    );
  }
  out.push('', ...notes(results), '');
  return out.join('\n');
}

export function renderStartup(results: readonly StartupResult[]): string {
  const cluster = median(results.find((r) => r.contender === 'cluster')?.readyMs ?? []);
  const workers = results[0]?.workers ?? 0;
  const out = [
    `### Start to ${workers} workers ready`,
    '',
    `From spawning the master (\`-w ${workers}\`) to its log saying every worker is ready: ` +
      "corral's `Ready: N workers serving`, cluster's after every worker's `listening`, the Nth " +
      "worker's ready line for PM2 (after its `listen`) and Gunicorn (its `post_worker_init` " +
      "hook). One server at a time. **×cluster**: the median divided by cluster's.",
    '',
    '| contender | runs | median ms | min – max ms | ×cluster |',
    '|---|--:|--:|--:|--:|',
  ];
  for (const r of results) {
    const med = median(r.readyMs);
    out.push(
      `| ${r.contender} | ${r.readyMs.length} | ${ms(med)} | ${ms(min(r.readyMs))} – ` +
        `${ms(max(r.readyMs))} | ${ratio(med / cluster)} |`,
    );
  }
  out.push('', ...notes(results), '');
  return out.join('\n');
}

export function renderFootprint(results: readonly FootprintResult[], idleS: number): string {
  const floor = results.find((r) => r.contender === NODE_FLOOR)?.masterRssMiB ?? Number.NaN;
  const workers = results[0]?.workers ?? 0;
  const out = [
    `### Master footprint with -w ${workers}`,
    '',
    `Every server started, then read together after 2 s: the master's RSS, and its CPU over ` +
      `${idleS} s of no requests, in % of one core (/proc ticks, 0.1% resolution over 10 s). ` +
      '**×node**: master RSS divided by that of a plain idle `node` process.',
    '',
    '| contender | master RSS MiB | ×node | master idle CPU % | worker RSS MiB (median) |',
    '|---|--:|--:|--:|--:|',
  ];
  for (const r of results) {
    out.push(
      `| ${r.contender} | ${r.masterRssMiB.toFixed(1)} | ${ratio(r.masterRssMiB / floor)} | ` +
        `${r.masterIdleCpu.toFixed(2)} | ${Number.isFinite(r.workerRssMiB) ? r.workerRssMiB.toFixed(1) : '–'} |`,
    );
  }
  out.push('', ...notes(results), '');
  return out.join('\n');
}

function notes(results: ReadonlyArray<{ contender: string; notes: string[] }>): string[] {
  return results
    .filter((r) => r.notes.length > 0)
    .map((r) => `- ${r.contender}: ${r.notes.slice(0, 8).join(' | ')}`);
}

function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value < 100 ? value.toFixed(1) : value.toFixed(0);
}

function ratio(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '–';
}
