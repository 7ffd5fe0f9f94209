/**
 * How long a server has one worker fewer after a worker is SIGKILLed: from the kill to its
 * replacement listening, for corral (`-w 2`, its "Worker N (pid:P) ready" line) and for Node's
 * `cluster` re-forking from its `exit` event (its `listening` event), both running at once and
 * killed in alternation, so both see the same neighbours.
 *
 *   node --import tsx bench/worker-replacement.ts [--kills 20]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, quantile } from './lib/stats.ts';

const { values } = parseArgs({ options: { kills: { type: 'string', default: '20' } } });
const kills = Number(values.kills);
const root = fileURLToPath(new URL('..', import.meta.url));
const clusterServer = fileURLToPath(new URL('./servers/cluster-respawn.mjs', import.meta.url));

interface Server {
  child: ChildProcess;
  /** Resolves with the pid of the next worker that reports ready. */
  nextReady(): Promise<number>;
  ready: number[];
}

function serve(command: string[], readyLine: RegExp): Server {
  const child = spawn(process.execPath, command, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const server: Server = { child, ready: [], nextReady: () => waiting };
  let wake: (pid: number) => void = () => {};
  let waiting = new Promise<number>((resolve) => (wake = resolve));
  let buffer = '';
  const read = (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let at = buffer.indexOf('\n'); at !== -1; at = buffer.indexOf('\n')) {
      const match = readyLine.exec(buffer.slice(0, at));
      buffer = buffer.slice(at + 1);
      if (match === null) continue;
      server.ready.push(Number(match[1]));
      const done = wake;
      waiting = new Promise<number>((resolve) => (wake = resolve));
      done(Number(match[1]));
    }
  };
  child.stdout!.on('data', read);
  child.stderr!.on('data', read);
  return server;
}

async function twoReady(server: Server): Promise<void> {
  while (server.ready.length < 2) await server.nextReady();
}

/** Kills the oldest live worker and times until a new one is ready. */
async function replaceOne(server: Server, live: number[]): Promise<number> {
  const victim = live.shift()!;
  const next = server.nextReady();
  const t0 = performance.now();
  process.kill(victim, 'SIGKILL');
  live.push(await next);
  return performance.now() - t0;
}

const corral = serve(
  // A budget no run uses up: a kill every half second is a crash loop by the default one.
  [
    'bin/corral.js',
    'bench/app/hello.js',
    '-w',
    '2',
    '-b',
    '127.0.0.1:0',
    '--restart-intensity',
    '1000',
  ],
  /Worker \d+ \(pid:(\d+)\) ready/,
);
const cluster = serve([clusterServer], /LISTENING (\d+)/);
process.on('exit', () => [corral, cluster].forEach((s) => s.child.kill('SIGKILL')));
await Promise.all([twoReady(corral), twoReady(cluster)]);
const live = { corral: [...corral.ready], cluster: [...cluster.ready] };
const times: Record<'corral' | 'cluster', number[]> = { corral: [], cluster: [] };
const loadBefore = loadavg()[0]!;
for (let i = 0; i < kills; i += 1) {
  const order = i % 2 === 0 ? (['corral', 'cluster'] as const) : (['cluster', 'corral'] as const);
  for (const name of order) {
    times[name].push(await replaceOne(name === 'corral' ? corral : cluster, live[name]));
    // Let the server settle before the next kill, as an operator's kill would find it.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
corral.child.kill('SIGTERM');
cluster.child.kill('SIGTERM');
const ms = (x: number) => `${x.toFixed(0)} ms`;
const describe = (xs: number[]) =>
  `${ms(median(xs))} (IQR ${ms(quantile(xs, 0.25))}–${ms(quantile(xs, 0.75))})`;
console.log(
  `${kills} kills each, alternating, load average ${loadBefore.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`,
);
console.log(`corral  ${describe(times.corral)}`);
console.log(`cluster ${describe(times.cluster)}`);
console.log(`ratio of medians ${(median(times.corral) / median(times.cluster)).toFixed(2)}`);
