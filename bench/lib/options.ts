/**
 * The bench's command line. Two presets: the default full run, and `--quick` for a first look
 * (the same contenders and measures, fewer and shorter rounds). Any option given explicitly
 * overrides the preset.
 */
import { parseArgs } from 'node:util';
import { detectClient, type ClientName } from './load.ts';
import type { LoadShape } from './feature-cost.ts';

export const PHASES = ['throughput', 'replacement', 'startup', 'footprint'] as const;
export type Phase = (typeof PHASES)[number];

/** Throughput: `rounds` of every contender under every profile, each `durationS` long. */
export interface BenchOptions extends LoadShape {
  quick: boolean;
  phases: Phase[];
  client: ClientName;
  /** Throughput contenders to run (all when undefined). */
  contenders: string[] | undefined;
  profiles: string[];
  /** Replacement: SIGKILLs per contender, and the pause after each replacement. */
  kills: number;
  settleMs: number;
  /** Start-up: runs per contender, and how many workers must be ready. */
  startupRuns: number;
  startupWorkers: number;
  /** Footprint: workers, and how long the master's idle CPU is read. */
  footprintWorkers: number;
  idleS: number;
  out: string | undefined;
}

const PRESETS = {
  full: { rounds: 20, duration: 3, warmup: 2, kills: 20, 'startup-runs': 5, idle: 10 },
  quick: { rounds: 3, duration: 2, warmup: 1, kills: 5, 'startup-runs': 2, idle: 10 },
};

export const USAGE = `usage: npm run bench -- [--quick] [--phases ${PHASES.join(',')}]
         [--rounds N] [--duration S] [--warmup S] [--connections N] [--threads N] [--workers N]
         [--client auto|wrk|autocannon] [--profiles keep-alive,close]
         [--contenders bare,corral-async,corral-sync,cluster-rr,cluster-none,pm2,gunicorn-sync]
         [--kills N] [--settle MS] [--startup-runs N] [--startup-workers N]
         [--footprint-workers N] [--idle S] [--out FILE.json]
  defaults: ${describe(PRESETS.full)}
  --quick:  ${describe(PRESETS.quick)}
`;

function describe(p: (typeof PRESETS)['full']): string {
  return (
    `${p.rounds} rounds x ${p.duration} s (warm-up ${p.warmup} s), ${p.kills} kills, ` +
    `${p['startup-runs']} start-ups, ${p.idle} s idle`
  );
}

/** The options, or exits 0 after printing the usage, or 2 on a bad option. */
export function readOptions(argv = process.argv.slice(2)): BenchOptions {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      phases: { type: 'string' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string', default: '64' },
      threads: { type: 'string', default: '2' },
      workers: { type: 'string', default: '2' },
      client: { type: 'string', default: 'auto' },
      contenders: { type: 'string' },
      profiles: { type: 'string', default: 'keep-alive,close' },
      kills: { type: 'string' },
      settle: { type: 'string', default: '200' },
      'startup-runs': { type: 'string' },
      'startup-workers': { type: 'string', default: '8' },
      'footprint-workers': { type: 'string', default: '4' },
      idle: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (v.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const preset: Record<string, number> = v.quick ? PRESETS.quick : PRESETS.full;
  const num = (name: string, min: number): number => {
    const given = (v as Record<string, unknown>)[name];
    const value = given === undefined ? preset[name] : Number(given);
    if (value === undefined || !Number.isFinite(value) || value < min) {
      fail(`--${name} must be a number >= ${min}`);
    }
    return value;
  };
  const whole = (name: string): number => {
    const value = num(name, 1);
    if (!Number.isInteger(value)) fail(`--${name} must be a whole number`);
    return value;
  };
  const list = (text: string | undefined): string[] | undefined =>
    text
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');

  const phases = (list(v.phases) ?? [...PHASES]) as Phase[];
  for (const p of phases) if (!PHASES.includes(p)) fail(`unknown phase ${p}`);
  const profiles = list(v.profiles) ?? [];
  for (const p of profiles) if (p !== 'keep-alive' && p !== 'close') fail(`unknown profile ${p}`);
  const client = v.client === 'auto' ? detectClient() : (v.client as ClientName);
  if (client !== 'wrk' && client !== 'autocannon') fail(`unknown --client ${v.client}`);

  return {
    quick: v.quick,
    phases,
    rounds: whole('rounds'),
    durationS: num('duration', 1),
    warmupS: num('warmup', 0),
    connections: whole('connections'),
    threads: whole('threads'),
    workers: whole('workers'),
    client,
    contenders: list(v.contenders),
    profiles,
    kills: whole('kills'),
    settleMs: num('settle', 0),
    startupRuns: whole('startup-runs'),
    startupWorkers: whole('startup-workers'),
    footprintWorkers: whole('footprint-workers'),
    idleS: num('idle', 1),
    out: v.out,
  };
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}
