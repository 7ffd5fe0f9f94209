/**
 * bench/request-budget.ts's figures: per row (a contender under a profile) the median CPU µs
 * per request and its spread, and what it costs over bare and over corral's defaults. The
 * differences are taken within each round and then their median, since two loads of the same
 * round are seconds apart and share the machine's mood, while the medians of two rows may not.
 */
import type { MachineInfo } from '../lib/machine.ts';
import { max, median, min, quantile } from '../lib/stats.ts';

export type Profile = 'keep-alive' | 'close';

/** One load of one contender. */
export interface BudgetRound {
  round: number;
  profile: Profile;
  contender: string;
  /** What wrk counted ("N requests in"), and per second. */
  requests: number;
  rps: number;
  p99Ms: number;
  /** The serving process's CPU (every thread's schedstat run time) per request. */
  usPerRequest: number;
  /** The same from utime + stime in 10 ms ticks: a cross-check that no thread's time was lost. */
  ticksUsPerRequest: number;
  /** The master's CPU (schedstat, every thread) per request (bare: bare.mjs's idle parent). */
  masterUsPerRequest: number;
  notes: string[];
}

/** The median of per-round differences to a baseline row, and of the ratios. */
export interface Delta {
  us: number;
  q1Us: number;
  q3Us: number;
  ratio: number;
}

export interface BudgetRow {
  name: string;
  profile: Profile;
  what: string;
  rounds: number;
  medianUs: number;
  minUs: number;
  maxUs: number;
  q1Us: number;
  q3Us: number;
  medianRps: number;
  medianP99Ms: number;
  medianTicksUs: number;
  medianMasterUs: number;
  vsBare: Delta | undefined;
  vsDefaults: Delta | undefined;
  notes: string[];
}

const BARE = 'bare';
const DEFAULTS = 'corral-defaults';

export function summarizeBudget(
  rounds: BudgetRound[],
  contenders: Array<{ name: string; profiles: Profile[]; what: string }>,
): BudgetRow[] {
  const rows: BudgetRow[] = [];
  for (const profile of ['keep-alive', 'close'] as const) {
    for (const c of contenders.filter((c) => c.profiles.includes(profile))) {
      const mine = rounds.filter((r) => r.profile === profile && r.contender === c.name);
      const us = mine.map((r) => r.usPerRequest);
      const baseline = (name: string): Delta | undefined =>
        name === c.name ? undefined : delta(mine, rounds, name);
      rows.push({
        name: c.name,
        profile,
        what: c.what,
        rounds: mine.length,
        medianUs: median(us),
        minUs: min(us),
        maxUs: max(us),
        q1Us: quantile(us, 0.25),
        q3Us: quantile(us, 0.75),
        medianRps: median(mine.map((r) => r.rps)),
        medianP99Ms: median(mine.map((r) => r.p99Ms)),
        medianTicksUs: median(mine.map((r) => r.ticksUsPerRequest)),
        medianMasterUs: median(mine.map((r) => r.masterUsPerRequest)),
        vsBare: baseline(BARE),
        vsDefaults: c.name === BARE ? undefined : baseline(DEFAULTS),
        notes: mine.flatMap((r) => r.notes.map((n) => `round ${r.round + 1}: ${n}`)),
      });
    }
  }
  return rows;
}

/** Paired by round: this row's µs minus the baseline's in the same round and profile. */
function delta(mine: BudgetRound[], all: BudgetRound[], baseline: string): Delta | undefined {
  const diffs: number[] = [];
  const ratios: number[] = [];
  for (const r of mine) {
    const base = all.find(
      (b) => b.contender === baseline && b.profile === r.profile && b.round === r.round,
    );
    if (base === undefined) continue;
    diffs.push(r.usPerRequest - base.usPerRequest);
    ratios.push(r.usPerRequest / base.usPerRequest);
  }
  if (diffs.length === 0) return undefined;
  return {
    us: median(diffs),
    q1Us: quantile(diffs, 0.25),
    q3Us: quantile(diffs, 0.75),
    ratio: median(ratios),
  };
}

export interface BudgetSettings {
  rounds: number;
  durationS: number;
  warmupS: number;
  connections: number;
  threads: number;
}

export function renderBudget(rows: BudgetRow[], info: MachineInfo, s: BudgetSettings): string {
  const out = header(info, s);
  const titles: Record<Profile, string> = {
    'keep-alive': 'Keep-alive (one connection per wrk connection, reused)',
    close: '`Connection: close` (a new connection per request)',
  };
  for (const profile of ['keep-alive', 'close'] as const) {
    const mine = rows.filter((r) => r.profile === profile);
    if (mine.length === 0) continue;
    out.push(`### ${titles[profile]}`, '', ...table(mine), '');
  }
  out.push(...howToRead(), '', '### The rows', '');
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.name)) continue;
    seen.add(row.name);
    out.push(`- **${row.name}**: ${row.what}.`);
  }
  out.push('', ...checks(rows));
  return `${out.join('\n')}\n`;
}

function header(info: MachineInfo, s: BudgetSettings): string[] {
  const minutes = (Date.parse(info.finishedAt) - Date.parse(info.startedAt)) / 60_000;
  return [
    `## Per-request CPU budget, ${info.startedAt} (${minutes.toFixed(1)} min)`,
    '',
    `- **Machine:** ${info.nproc} CPUs (${info.cpuModel}), Linux ${info.kernel}, Node ${info.node}.`,
    `- **Load:** ${info.client.replace(/\s*Copyright.*$/, '')}, \`-t${s.threads} -c${s.connections}\` on 127.0.0.1, one worker ` +
      `process per server serving bench/app/hello.js; ${s.rounds} rounds x ${s.durationS} s ` +
      `per row after a ${s.warmupS} s warm-up, the order rotated every round.`,
    `- **Code:** corral at commit ${info.code.commit} with ${info.code.uncommitted} uncommitted ` +
      `file(s) outside bench/ and docs/, source hash ${info.code.sourceHash}.`,
    `- **Load average** (1, 5, 15 min): before ${fmt(info.load.before)}, after ` +
      `${fmt(info.load.after)}${during(info.load.during)}.`,
    '',
  ];
}

function during(samples: number[]): string {
  if (samples.length === 0) return '';
  return `; during (1 min, every 5 s) median ${median(samples).toFixed(2)}, max ${max(samples).toFixed(2)}`;
}

function table(rows: BudgetRow[]): string[] {
  const lines = [
    '| row | µs/request | min–max | IQR | req/s | vs bare µs | × bare | vs defaults µs [IQR] | × defaults | master µs/req |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const cells = [
      r.name,
      `**${us(r.medianUs)}**`,
      `${us(r.minUs)}–${us(r.maxUs)}`,
      `${us(r.q1Us)}–${us(r.q3Us)}`,
      r.medianRps.toFixed(0),
      r.vsBare === undefined ? '—' : signed(r.vsBare.us),
      r.vsBare === undefined ? '—' : r.vsBare.ratio.toFixed(2),
      r.vsDefaults === undefined
        ? '—'
        : `${signed(r.vsDefaults.us)} [${signed(r.vsDefaults.q1Us)}, ${signed(r.vsDefaults.q3Us)}]`,
      r.vsDefaults === undefined ? '—' : r.vsDefaults.ratio.toFixed(2),
      us(r.medianMasterUs),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

function howToRead(): string[] {
  return [
    "**How to read it.** *µs/request* is the serving process's CPU time, every thread summed " +
      '(`/proc/PID/task/*/schedstat`, in ns), over one load, divided by the requests wrk ' +
      'counted; the median over the rounds, with the fastest and slowest round (*min–max*) and ' +
      'the middle half (*IQR*). *vs bare* and *vs defaults* are the medians of the per-round ' +
      'differences to that row in the same round and profile (negative: cheaper), *×* the ' +
      'medians of the per-round ratios. A protective feature costs what its "off" row saves ' +
      '(minus its *vs defaults*), an optional feature what its row adds (its *vs defaults*); a ' +
      'difference whose IQR spans 0 is within the noise. *req/s* is what wrk got from one ' +
      "worker while sharing the cores with it. *master µs/req* is the master process (corral's, " +
      "or bare.mjs's idle parent), measured the same way, for the features that move work there " +
      '(request counts arrive with the heartbeats).',
  ];
}

/** What the reader should know about the rounds: errors, restarts, lost thread time. */
function checks(rows: BudgetRow[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    const gap = Math.abs(r.medianTicksUs - r.medianUs) / r.medianUs;
    if (gap > 0.1) {
      out.push(
        `- ${r.name} (${r.profile}): utime+stime gives ${us(r.medianTicksUs)} µs/request, ` +
          `${(gap * 100).toFixed(0)}% away from schedstat's ${us(r.medianUs)} (threads that exited?).`,
      );
    }
    for (const note of r.notes) out.push(`- ${r.name} (${r.profile}) ${note}`);
  }
  if (out.length === 0) {
    out.push(
      '- No errors, restarts or warnings in any round; utime+stime agrees with schedstat within ' +
        '10% on every row.',
    );
  }
  return ['### Checks', '', ...out];
}

function us(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '?';
}

function signed(value: number): string {
  if (!Number.isFinite(value)) return '?';
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;
}

function fmt(values: readonly number[]): string {
  return values.map((v) => v.toFixed(2)).join(' ');
}
