/**
 * A two-level tree whose failure escalates to the root:
 *
 *   node --import tsx examples/escalation-tree.ts; echo "exit $?"
 *
 * `jobs` restarts both its children whenever one fails (one_for_all), at most twice in 5 s.
 * `flaky` fails 200 ms after each start, so `jobs` gives up; its parent counts that as one
 * failure and starts `jobs` again; when `jobs` gives up a second time within 5 s the root gives
 * up too, and the program ends with exit 1 and the chain of reasons, root first.
 */
import { createLogger, createSupervisor } from 'corral';

const tree = createSupervisor(
  {
    intensity: 1,
    periodMs: 5_000,
    children: [
      { id: 'clock', command: 'sleep', args: ['3600'] },
      {
        id: 'jobs',
        strategy: 'one_for_all',
        intensity: 2,
        periodMs: 5_000,
        children: [
          { id: 'steady', command: 'sleep', args: ['3600'], shutdown: 'brutal_kill' },
          { id: 'flaky', module: 'examples/flaky-job.mjs' },
        ],
      },
    ],
  },
  { logger: createLogger({ level: 'info' }), handleSignals: true },
);

await tree.start();
const { exitCode, chain } = await tree.done;
for (const [depth, reason] of chain.entries()) console.log(`${'  '.repeat(depth)}${reason}`);
process.exitCode = exitCode;
