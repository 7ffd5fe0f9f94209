/**
 * The runnable examples do what their comments say, run as a reader would run them, from the
 * repository root: `node --import tsx examples/<name>.ts`.
 */
import test, { type ExecutionContext } from 'ava';
import {
  eventually,
  isAlive,
  killQuietly,
  startCorral,
  type CorralProcess,
} from './corral-process.ts';

interface Example extends CorralProcess {
  /** Only what the example printed itself (its log goes to stderr). */
  stdout(): string;
  /** Pids of the generic children the log announced (pool workers are startCorral's). */
  childPids(): number[];
}

function runExample(t: ExecutionContext, file: string, env: NodeJS.ProcessEnv = {}): Example {
  const program = startCorral(t, [file], { command: [process.execPath, '--import', 'tsx'], env });
  let stdout = '';
  program.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const childPids = () =>
    [...program.output().matchAll(/Started child \S+ with pid: (\d+)/g)].map((m) => Number(m[1]));
  // A `sleep` child outlives a SIGKILLed example: kill what it started too.
  t.teardown(() => childPids().forEach(killQuietly));
  return { ...program, stdout: () => stdout, childPids };
}

test.serial('embedded-server serves HTTP next to its consumer and stops on SIGTERM', async (t) => {
  const example = runExample(t, 'examples/embedded-server.ts', { BIND: '127.0.0.1:0' });
  const [, url] = await example.waitFor(/serving at (http:\/\/[^\s,]+)/);
  const response = await fetch(url!);
  t.is(response.status, 200);
  t.regex(await response.text(), /^Hello from worker \d+/);
  const pids = [...example.childPids(), ...example.workerPids()];
  t.is(pids.length, 3, 'the consumer and two workers');

  example.signal('SIGTERM');
  t.is((await example.exited).code, 0);
  t.regex(example.stdout(), /^done: stopped on request$/m);
  await eventually(() => pids.every((pid) => !isAlive(pid)), 'every child process is gone');
});

test.serial('escalation-tree gives up at the root with exit 1 and prints the chain', async (t) => {
  const example = runExample(t, 'examples/escalation-tree.ts');
  t.is((await example.exited).code, 1);
  t.deepEqual(example.stdout().split('\n').filter(Boolean), [
    'root gave up: more than 1 restart within 5 s',
    '  root/jobs gave up: more than 2 restarts within 5 s',
    '    root/jobs/flaky exited with code 1',
  ]);
  const pids = example.childPids();
  await eventually(() => pids.every((pid) => !isAlive(pid)), 'no child process is left');
});
