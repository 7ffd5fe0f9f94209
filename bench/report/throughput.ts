/**
 * The throughput tables: a summary of every contender as a ratio to the bare server of the same
 * run, the paired per-round ratios corral's target is judged on, the raw figures and CPU split,
 * every round, and how each server exited.
 */
import type { ThroughputResult, Measurement } from '../phases/throughput.ts';
import { max, median, min, relativeRange } from '../lib/stats.ts';

/** corral's target: at least this fraction of the bare server's throughput. */
export const TARGET = 0.95;
/** Below this much CPU (% of one core) used by other processes, a measurement counts as quiet. */
export const QUIET_OTHERS = 25;
const TARGETED = new Set(['corral-async', 'corral-sync']);

/**
 * Contenders that answer every request with `Connection: close` themselves, so under the
 * keep-alive profile they really run the close profile: bare under close is their fair peer.
 */
const CLOSES_EVERY_CONNECTION = new Set(['corral-sync', 'gunicorn-sync']);

export interface ThroughputShape {
  profiles: string[];
  rounds: number;
}

export function renderThroughput(result: ThroughputResult, shape: ThroughputShape): string {
  const ms = result.measurements;
  const info = { ...shape, contenders: result.contenders };
  const out: string[] = [];
  out.push(...summary(ms, info), '');
  for (const profile of info.profiles) {
    out.push(
      `### Raw figures, ${profile}`,
      '',
      '| contender | req/s median | min – max | range | p50 ms | p99 ms | errors | worker µs/req | master µs/req | CPU% client | master | workers | irq | others | steal |',
      '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    );
    for (const contender of info.contenders) {
      const runs = ms.filter((m) => m.profile === profile && m.contender === contender);
      if (runs.length === 0) continue;
      const rps = runs.map((m) => m.load.rps);
      const med = (pick: (m: Measurement) => number | undefined, digits = 0): string =>
        median(runs.map((m) => pick(m) ?? Number.NaN)).toFixed(digits);
      out.push(
        `| ${contender} | ${median(rps).toFixed(0)} | ${min(rps).toFixed(0)} – ${max(rps).toFixed(0)} | ` +
          `${(100 * relativeRange(rps)).toFixed(0)}% | ${med((m) => m.load.p50Ms, 2)} | ` +
          `${med((m) => m.load.p99Ms, 2)} | ${sum(runs.map((m) => m.load.errors))} | ` +
          `${med((m) => m.workerUsPerRequest, 1)} | ${med((m) => m.masterUsPerRequest, 2)} | ` +
          `${med((m) => m.cpu?.client)} | ${med((m) => m.cpu?.master)} | ${med((m) => m.cpu?.workers)} | ` +
          `${med((m) => m.cpu?.irq)} | ${med((m) => m.cpu?.others)} | ${med((m) => m.cpu?.steal)} |`,
      );
    }
    out.push('');
  }

  out.push(
    '### Ratios vs bare',
    '',
    'Each round measures every contender back to back, so the ratio of the two measurements of ' +
      'one round compares them under nearly the same background load. **Paired ratio**: the ' +
      'median [min – max] of those per-round ratios; the verdict uses it. **Ratio of medians**: ' +
      `the medians of the tables above divided. **Quiet rounds**: the paired median over the ` +
      `rounds where other processes used under ${QUIET_OTHERS}% CPU during both measurements ` +
      '(n = how many). **CPU/req**: the paired median of worker CPU time per request vs bare ' +
      `(above 1 = corral's workers spend more per request). Target for corral: >= ${TARGET}.`,
    '',
    '| contender | profile | vs bare under | paired ratio | ratio of medians | quiet rounds | CPU/req vs bare | target |',
    '|---|---|---|--:|--:|--:|--:|---|',
  );
  const pairs: Array<[string, string, string]> = [];
  for (const profile of info.profiles) {
    for (const contender of info.contenders) {
      if (contender === 'bare') continue;
      pairs.push([contender, profile, profile]);
      if (
        CLOSES_EVERY_CONNECTION.has(contender) &&
        profile === 'keep-alive' &&
        info.profiles.includes('close')
      ) {
        pairs.push([contender, profile, 'close']);
      }
    }
  }
  for (const [contender, profile, baseProfile] of pairs) {
    const r = ratios(ms, contender, profile, baseProfile);
    if (r === undefined) continue;
    const verdict = TARGETED.has(contender)
      ? r.paired >= TARGET
        ? 'meets'
        : `**misses** (${r.paired.toFixed(2)} < ${TARGET})`
      : 'context only';
    const quiet = r.quiet.length === 0 ? '–' : `${median(r.quiet).toFixed(3)} (${r.quiet.length})`;
    out.push(
      `| ${contender} | ${profile} | ${baseProfile} | ${r.paired.toFixed(3)} ` +
        `[${min(r.perRound).toFixed(2)} – ${max(r.perRound).toFixed(2)}] | ${r.ofMedians.toFixed(3)} | ` +
        `${quiet} | ${median(r.cpuPerRequest).toFixed(2)} | ${verdict} |`,
    );
  }
  out.push('');

  out.push(
    '### Per round',
    '',
    'req/s of each measurement, in round order; in brackets, the established connections each ' +
      'worker held mid-run (only meaningful with keep-alive).',
    '',
    `| profile | contender | ${Array.from({ length: info.rounds }, (_, i) => `r${i + 1}`).join(' | ')} |`,
    `|---|---|${'--:|'.repeat(info.rounds)}`,
  );
  for (const profile of info.profiles) {
    for (const contender of info.contenders) {
      const cells = Array.from({ length: info.rounds }, (_, round) => {
        const m = ms.find(
          (x) => x.profile === profile && x.contender === contender && x.round === round,
        );
        if (m === undefined) return '';
        const split = profile === 'keep-alive' ? ` (${m.connectionSplit.join('/')})` : '';
        return `${m.load.rps.toFixed(0)}${split}`;
      });
      out.push(`| ${profile} | ${contender} | ${cells.join(' | ')} |`);
    }
  }
  out.push('');

  out.push('### Server exits and log notes', '');
  for (const contender of info.contenders) {
    const notes = result.serverNotes[contender] ?? [];
    out.push(
      `- ${contender}: exit ${result.serverExits[contender] ?? '?'} after SIGTERM; ` +
        (notes.length === 0
          ? 'nothing unusual logged during measurements'
          : notes.slice(0, 5).join(' | ').replace(/\n/g, ' / ')),
    );
  }
  out.push('');
  return out.join('\n');
}

/**
 * One row per contender and profile, every figure beside its ratio to bare under the same
 * profile in the same run: median req/s, the spread of the rounds (min – max), p99 latency
 * (above 1 = slower than bare) and CPU per request.
 */
function summary(
  ms: readonly Measurement[],
  info: { profiles: string[]; contenders: string[] },
): string[] {
  const out = [
    '### Throughput against the ceiling',
    '',
    "Median over the rounds; **×bare** divides by bare's median under the same profile in this " +
      "run (for p99 and CPU/req above 1 is worse). The spread is the rounds' min – max.",
    '',
    '| contender | profile | req/s | ×bare | spread req/s | spread ×bare | p99 ms | ×bare | worker µs/req | ×bare | master µs/req |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const profile of info.profiles) {
    const pick = (contender: string, f: (m: Measurement) => number): number[] =>
      ms.filter((m) => m.profile === profile && m.contender === contender).map(f);
    const base = {
      rps: median(pick('bare', (m) => m.load.rps)),
      p99: median(pick('bare', (m) => m.load.p99Ms)),
      cpu: median(pick('bare', (m) => m.workerUsPerRequest)),
    };
    for (const contender of info.contenders) {
      const rps = pick(contender, (m) => m.load.rps);
      if (rps.length === 0) continue;
      const p99 = median(pick(contender, (m) => m.load.p99Ms));
      const cpu = median(pick(contender, (m) => m.workerUsPerRequest));
      const master = median(pick(contender, (m) => m.masterUsPerRequest));
      out.push(
        `| ${contender} | ${profile} | ${median(rps).toFixed(0)} | ${x(median(rps) / base.rps)} | ` +
          `${min(rps).toFixed(0)} – ${max(rps).toFixed(0)} | ` +
          `${x(min(rps) / base.rps)} – ${x(max(rps) / base.rps)} | ${p99.toFixed(2)} | ` +
          `${x(p99 / base.p99)} | ${cpu.toFixed(1)} | ${x(cpu / base.cpu)} | ${master.toFixed(2)} |`,
      );
    }
  }
  return out;
}

function x(ratio: number): string {
  return Number.isFinite(ratio) ? ratio.toFixed(2) : '–';
}

export interface Ratios {
  perRound: number[];
  paired: number;
  ofMedians: number;
  quiet: number[];
  cpuPerRequest: number[];
}

/** contender under `profile` against bare under `baseProfile`, round by round. */
export function ratios(
  ms: readonly Measurement[],
  contender: string,
  profile: string,
  baseProfile: string,
): Ratios | undefined {
  const mine = ms.filter((m) => m.contender === contender && m.profile === profile);
  const base = ms.filter((m) => m.contender === 'bare' && m.profile === baseProfile);
  if (mine.length === 0 || base.length === 0) return undefined;
  const perRound: number[] = [];
  const quiet: number[] = [];
  const cpuPerRequest: number[] = [];
  for (const m of mine) {
    const b = base.find((x) => x.round === m.round);
    if (b === undefined) continue;
    const ratio = m.load.rps / b.load.rps;
    perRound.push(ratio);
    cpuPerRequest.push(m.workerUsPerRequest / b.workerUsPerRequest);
    if ((m.cpu?.others ?? 100) < QUIET_OTHERS && (b.cpu?.others ?? 100) < QUIET_OTHERS) {
      quiet.push(ratio);
    }
  }
  return {
    perRound,
    paired: median(perRound),
    ofMedians: median(mine.map((m) => m.load.rps)) / median(base.map((m) => m.load.rps)),
    quiet,
    cpuPerRequest,
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
