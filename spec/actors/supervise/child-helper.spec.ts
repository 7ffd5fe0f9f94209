// `corral/child` as a supervised module loads it (through the package's self-reference): on its
// own, with no IPC channel, every call does nothing; under a parent with an IPC channel, ready()
// and heartbeat() send the worker protocol's messages, and heartbeatEvery's timer beats without
// keeping the process alive.
import test, { type ExecutionContext } from 'ava';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { childPath } from 'corral/child';
import { within } from '../../helpers/wait.ts';

const HELPER = 'spec/fixtures/supervise-actors/helper-calls.mjs';

interface Ran {
  child: ChildProcess;
  messages: unknown[];
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(t: ExecutionContext, mode: string, withIpc: boolean, env: NodeJS.ProcessEnv = {}) {
  const options = { env: { ...process.env, CORRAL_CHILD: undefined, ...env } };
  const child = withIpc
    ? fork(HELPER, [mode], { ...options, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] })
    : spawn(process.execPath, [HELPER, mode], { ...options, stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const messages: unknown[] = [];
  child.on('message', (message) => messages.push(message));
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return { child, messages, stdout: () => out, exited } satisfies Ran;
}

test('outside a tree (no IPC channel) every call does nothing and nothing throws', async (t) => {
  const ran = run(t, 'outside', false);
  t.deepEqual(await within(ran.exited, 'the helper to exit'), { code: 0, signal: null });
  t.deepEqual(JSON.parse(ran.stdout()), { hasSend: 'undefined', childPath: null });
});

test('in this process, not run by corral, childPath() is undefined', (t) => {
  t.is(process.env.CORRAL_CHILD, undefined);
  t.is(childPath(), undefined);
});

test("inside a tree ready() and heartbeat() send the protocol's messages; the stop function ends heartbeatEvery", async (t) => {
  const ran = run(t, 'inside', true, { CORRAL_CHILD: 'root/jobs/consumer' });
  t.deepEqual(await within(ran.exited, 'the helper to exit'), { code: 0, signal: null });
  const [first, second, ...rest] = ran.messages;
  t.deepEqual(first, { act: 'ready' });
  t.deepEqual(second, { act: 'heartbeat' });
  const marker = rest.findIndex((m) => (m as { act?: string }).act === 'spec-stopped-beating');
  t.true(marker >= 0, 'the helper reported that it stopped beating');
  t.deepEqual(rest[marker], { act: 'spec-stopped-beating', childPath: 'root/jobs/consumer' });
  const timed = rest.slice(0, marker);
  // Its first beat was due long before the helper stopped it, on the same event loop.
  t.true(timed.length > 0, 'heartbeatEvery sent beats');
  t.true(timed.every((m) => JSON.stringify(m) === JSON.stringify({ act: 'heartbeat' })));
  t.deepEqual(rest.slice(marker + 1), [], 'no beat after the stop function was called');
});

test("heartbeatEvery's timer does not keep the process alive", async (t) => {
  const ran = run(t, 'unref', true);
  // The helper has nothing else to do after 150 ms; a referenced timer would keep it forever.
  const exit = await within(ran.exited, 'the helper to end on its own with only the beat timer');
  t.deepEqual(exit, { code: 0, signal: null });
  t.true(ran.messages.length > 0, 'the timer did beat before the helper ended');
  t.true(ran.messages.every((m) => JSON.stringify(m) === JSON.stringify({ act: 'heartbeat' })));
});

test('after the IPC channel is disconnected the calls do nothing and do not throw', async (t) => {
  const ran = run(t, 'disconnected', true);
  t.deepEqual(await within(ran.exited, 'the helper to exit'), { code: 0, signal: null });
  t.deepEqual(JSON.parse(ran.stdout()), { connected: false });
  t.deepEqual(ran.messages, []);
});
