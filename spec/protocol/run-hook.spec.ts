// The hook runner both processes share: a hook never takes the server down, and an async one is
// awaited within its bound. The overrun case uses a tiny bound and a promise that never settles,
// so nothing here depends on how fast the machine is.
import test from 'ava';
import { runHook } from '../../protocol/run-hook.ts';

function memoryLog() {
  const lines: string[] = [];
  return { lines, error: (message: string) => void lines.push(message) };
}

test('no hook: nothing to wait for, nothing logged', (t) => {
  const log = memoryLog();
  t.is(runHook('preRequest', undefined, [], { timeoutMs: 1000, log }), undefined);
  t.deepEqual(log.lines, []);
});

test('a synchronous hook runs with its arguments and leaves nothing to wait for', (t) => {
  const log = memoryLog();
  const seen: unknown[] = [];
  const pending = runHook(
    'nworkersChanged',
    (...args: unknown[]) => void seen.push(...args),
    [3, 2],
    {
      timeoutMs: 1000,
      log,
    },
  );
  t.is(pending, undefined);
  t.deepEqual(seen, [3, 2]);
  t.deepEqual(log.lines, []);
});

test('a hook that throws is logged with its name and stack, and the caller carries on', (t) => {
  const log = memoryLog();
  const pending = runHook(
    'whenReady',
    () => {
      throw new Error('no database');
    },
    [],
    { timeoutMs: 1000, log },
  );
  t.is(pending, undefined);
  t.is(log.lines.length, 1);
  t.regex(log.lines[0]!, /^Hook whenReady failed: Error: no database\n\s+at /);
});

test('a hook that returns a promise is awaited', async (t) => {
  const log = memoryLog();
  let finished = false;
  const pending = runHook(
    'postFork',
    async () => {
      await new Promise((resolve) => setImmediate(resolve));
      finished = true;
    },
    [],
    { timeoutMs: 60_000, log },
  );
  t.true(pending instanceof Promise);
  await pending;
  t.true(finished);
  t.deepEqual(log.lines, []);
});

test('a hook that rejects is logged with its name, and the promise resolves', async (t) => {
  const log = memoryLog();
  await runHook('onExit', () => Promise.reject(new TypeError('bad')), [], {
    timeoutMs: 60_000,
    log,
  });
  t.is(log.lines.length, 1);
  t.regex(log.lines[0]!, /^Hook onExit failed: TypeError: bad/);
});

test('a hook that never settles is given up after the bound, and says so', async (t) => {
  const log = memoryLog();
  await runHook('preRequest', () => new Promise(() => undefined), [], { timeoutMs: 20, log });
  t.deepEqual(log.lines, ['Hook preRequest did not finish within 0.02 s; carrying on without it']);
});

test('a bound of 0 waits as long as the hook takes', async (t) => {
  const log = memoryLog();
  let release!: () => void;
  const hook = () => new Promise<void>((resolve) => (release = resolve));
  const pending = runHook('onStarting', hook, [], { timeoutMs: 0, log });
  let settled = false;
  void pending?.then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  t.false(settled);
  release();
  await pending;
  t.deepEqual(log.lines, []);
});
