/**
 * What counting requests costs a worker, alone: the same bare server behind a worker's
 * connection tracker, once without request counts and once with them (what the status page,
 * metrics and the control socket turn on), loaded in interleaved rounds. Reports the server's
 * CPU time per request from /proc, which neighbours' load moves less than throughput.
 *
 *   node --import tsx bench/request-counting-cost.ts [--rounds 14] [--duration 3] [--connections 32]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { clientVersion, detectClient, runLoad } from './lib/load.ts';
import { clockTicks, processTicks } from './lib/proc.ts';
import { median, quantile } from './lib/stats.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '14' },
    duration: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
  },
});
const server = fileURLToPath(new URL('./app/counting-server.ts', import.meta.url));
const client = detectClient();

async function start(level: 'off' | 'counts'): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', server, level], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, port: Number(chunk.toString().trim()) };
}

const servers = { off: await start('off'), counts: await start('counts') };
process.on('exit', () => Object.values(servers).forEach(({ child }) => child.kill('SIGKILL')));
const rounds = Number(values.rounds);
console.log(
  `${clientVersion(client)}, ${rounds} rounds x ${values.duration} s, ` +
    `${values.connections} connections, load average ${loadavg()[0]!.toFixed(2)}`,
);
const usPerRequest: Record<'off' | 'counts', number[]> = { off: [], counts: [] };
for (let round = 0; round < rounds + 1; round += 1) {
  const order = round % 2 === 0 ? (['off', 'counts'] as const) : (['counts', 'off'] as const);
  for (const level of order) {
    const { child, port } = servers[level];
    const before = processTicks(child.pid!) ?? 0;
    const result = await runLoad(client, {
      url: `http://127.0.0.1:${port}/`,
      connections: Number(values.connections),
      durationS: Number(values.duration),
      threads: 1,
      close: false,
    });
    const ticks = (processTicks(child.pid!) ?? 0) - before;
    const us = ((ticks / clockTicks()) * 1e6) / Math.max(1, result.requests);
    // The first round warms both up and is not counted.
    if (round > 0) usPerRequest[level].push(us);
    console.log(
      `  round ${round} ${level.padEnd(6)} ${result.rps.toFixed(0)} req/s  ${us.toFixed(1)} us/req`,
    );
  }
}
const deltas = usPerRequest.counts.map((us, i) => us - usPerRequest.off[i]!);
for (const level of ['off', 'counts'] as const) {
  console.log(`${level}: median ${median(usPerRequest[level]).toFixed(2)} us/req`);
}
console.log(
  `counting adds ${median(deltas).toFixed(2)} us/req (median of per-round differences; ` +
    `quartiles ${quantile(deltas, 0.25).toFixed(2)} to ${quantile(deltas, 0.75).toFixed(2)})`,
);
console.log(
  `load average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
process.exit(0);
