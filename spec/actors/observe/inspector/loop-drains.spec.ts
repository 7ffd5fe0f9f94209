import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { closedPort, startRelay } from '../../../helpers/inspector-relay.ts';
import { within } from '../../../helpers/wait.ts';
import { killQuietly, repoRoot } from '../../../integration/corral-process.ts';

const fixture = fileURLToPath(new URL('fixtures/embed-and-drain.ts', import.meta.url));

/** Runs the embedding fixture; resolves with its exit code and output once it ends by itself. */
function runEmbedded(t: ExecutionContext, url: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, url], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => killQuietly(child.pid));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return within(
    new Promise<{ code: number | null; output: string }>((resolve) =>
      child.once('exit', (code) => resolve({ code, output })),
    ),
    'the embedding program to end on its own (its event loop drained)',
  );
}

test('with nothing listening at the URL, the retry loop does not keep the process alive', async (t) => {
  const { code, output } = await runEmbedded(t, `ws://127.0.0.1:${await closedPort()}`);
  t.is(code, 0, output);
  t.regex(output, /done 0/);
});

test('with a relay connected, stopping closes the connection and the process ends', async (t) => {
  const relay = await startRelay(t);
  const { code, output } = await runEmbedded(t, relay.url);
  t.is(code, 0, output);
  t.true(relay.messages.some((m) => m.type === '@xstate.actor' && m.name === 'worker-1'));
});
