import test from 'ava';
import { createArbiter } from '../../actors/create-arbiter.ts';
import { UsageError } from '../../errors.ts';
import type { LogSink } from '../../actors/supervision-log.ts';

function memoryLog(): LogSink & { lines: string[] } {
  const lines: string[] = [];
  const push = (message: string) => lines.push(message);
  return { lines, debug: push, info: push, warn: push, error: push, fatal: push };
}

test.serial('an embedding program starts, uses and stops an arbiter without signals', async (t) => {
  const logger = memoryLog();
  const arbiter = createArbiter(
    { app: 'examples/hello.js', workers: 2, bind: ['127.0.0.1:0'] },
    { handleSignals: false, logger },
  );
  t.teardown(() => arbiter.children.forEach((child) => child.kill('SIGKILL')));
  const [url] = await arbiter.start();
  t.regex(url!, /^http:\/\/127\.0\.0\.1:\d+$/);
  await arbiter.ready;
  t.is(arbiter.children.size, 2);
  t.is(arbiter.actor?.system.get('worker-1')?.id, 'worker-1');
  const response = await fetch(url!);
  t.regex(await response.text(), /Hello from worker \d+/);
  arbiter.stop();
  t.deepEqual(await arbiter.done, { exitCode: 0, reason: 'stopped on request' });
  t.is(arbiter.children.size, 0);
  t.true(logger.lines.includes('Ready: 2 workers serving'));
});

test('a bad setting from a program is a UsageError naming it', (t) => {
  const error = t.throws(() => createArbiter({ app: 'examples/hello.js', workers: 0 }), {
    instanceOf: UsageError,
  });
  t.regex(error?.message ?? '', /setting 'workers'/);
});
