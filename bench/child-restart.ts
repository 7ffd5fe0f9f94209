/**
 * How long a supervised child is down when it is killed: from SIGKILL to its replacement
 * reporting ready over IPC (a forked module) or being spawned (a command), under corral's tree
 * and under the bare minimum a program can do (re-fork in the `exit` handler), in interleaved
 * rounds in one process. Both fork the same module with the same IPC message, so the ratio is
 * what the statecharts, the log-free event stream and the restart budget add to a restart.
 *
 *   node --import tsx bench/child-restart.ts [--rounds 30]
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { filter, firstValueFrom } from 'rxjs';
import { createSupervisor, type TreeEvent } from '../index.ts';
import { median, quantile } from './lib/stats.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '30' } } });
const rounds = Number(values.rounds);
const module = fileURLToPath(new URL('./app/ready-child.mjs', import.meta.url));

type Kind = 'module' | 'command';
type Restart = (kind: Kind) => Promise<number>;

/** The baseline: a child re-forked (or re-spawned) from its own exit handler, nothing else. */
function bare(): { restart: Restart; stop(): void } {
  const current: Partial<Record<Kind, ChildProcess>> = {};
  let stopping = false;
  const start = (kind: Kind): Promise<void> =>
    new Promise((ready) => {
      const child =
        kind === 'module'
          ? fork(module, [], { stdio: 'ignore', execArgv: [] })
          : spawn('sleep', ['3600'], { stdio: 'ignore' });
      current[kind] = child;
      if (kind === 'module') child.once('message', () => ready());
      else child.once('spawn', () => ready());
      child.once('exit', () => {
        if (!stopping) void start(kind).then(() => waiting.get(kind)?.());
      });
    });
  const waiting = new Map<Kind, () => void>();
  const started = Promise.all([start('module'), start('command')]);
  return {
    async restart(kind) {
      await started;
      const back = new Promise<void>((resolve) => waiting.set(kind, resolve));
      const t0 = performance.now();
      current[kind]!.kill('SIGKILL');
      await back;
      return performance.now() - t0;
    },
    stop() {
      stopping = true;
      Object.values(current).forEach((child) => child?.kill('SIGKILL'));
    },
  };
}

/** The same two children under a corral tree (one_for_one, a budget no round uses up). */
async function corral(): Promise<{ restart: Restart; stop(): Promise<void> }> {
  const tree = createSupervisor({
    intensity: 1_000_000,
    periodMs: 1_000,
    children: [
      { id: 'module', module, ready: 'ipc', stdio: 'ignore' },
      { id: 'command', command: 'sleep', args: ['3600'], stdio: 'ignore' },
    ],
  });
  await tree.start();
  await tree.ready;
  const readyAgain = (path: string) =>
    firstValueFrom(
      tree.events$.pipe(filter((e: TreeEvent) => e.type === 'child.ready' && e.path === path)),
    );
  return {
    async restart(kind) {
      const pid = tree.actor!.getSnapshot().context.children[kind]!.pid!;
      const back = readyAgain(`root/${kind}`);
      const t0 = performance.now();
      process.kill(pid, 'SIGKILL');
      await back;
      return performance.now() - t0;
    },
    async stop() {
      tree.stop();
      await tree.done;
    },
  };
}

const baseline = bare();
const tree = await corral();
const samples: Record<string, number[]> = {};
const record = (name: string, ms: number) => (samples[name] ??= []).push(ms);
const loadBefore = loadavg()[0]!;
for (let round = 0; round < rounds; round += 1) {
  for (const kind of ['module', 'command'] as const) {
    // Alternate which goes first, so a neighbour's burst does not always land on one side.
    const order = round % 2 === 0 ? ['bare', 'corral'] : ['corral', 'bare'];
    for (const who of order) {
      record(`${who} ${kind}`, await (who === 'bare' ? baseline : tree).restart(kind));
    }
  }
}
baseline.stop();
await tree.stop();

const ms = (x: number) => `${x.toFixed(1)} ms`;
console.log(
  `${rounds} interleaved rounds, load average ${loadBefore.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`,
);
for (const kind of ['module', 'command']) {
  const b = samples[`bare ${kind}`]!;
  const c = samples[`corral ${kind}`]!;
  const ratios = c.map((x, i) => x / b[i]!);
  console.log(
    `${kind}: bare ${ms(median(b))} (IQR ${ms(quantile(b, 0.25))}–${ms(quantile(b, 0.75))}), ` +
      `corral ${ms(median(c))} (IQR ${ms(quantile(c, 0.25))}–${ms(quantile(c, 0.75))}); ` +
      `paired ratio median ${median(ratios).toFixed(2)} (IQR ${quantile(ratios, 0.25).toFixed(2)}–${quantile(ratios, 0.75).toFixed(2)})`,
  );
}
