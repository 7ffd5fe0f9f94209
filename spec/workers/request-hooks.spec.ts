// preRequest and postRequest around the app, with fake requests: the listener is left alone
// when neither hook is defined, a request waits for an async preRequest, and postRequest follows
// the response's 'close'.
import test from 'ava';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { withRequestHooks } from '../../workers/requests/request-hooks.ts';
import type { WorkerHookRunner } from '../../workers/worker-hooks.ts';

type Hooks = Partial<Record<'preRequest' | 'postRequest', () => Promise<void> | undefined>>;

function runner(hooks: Hooks, calls: string[]): Pick<WorkerHookRunner, 'has' | 'run'> {
  return {
    has: (name) => name in hooks,
    run(name, ..._args) {
      calls.push(name);
      return hooks[name as keyof Hooks]?.();
    },
  };
}

const request = () => ({}) as IncomingMessage;
const response = () => new EventEmitter() as unknown as ServerResponse;

test('without request hooks the listener is the app itself', (t) => {
  const app: RequestListener = () => undefined;
  t.is(withRequestHooks(app, runner({}, [])), app);
});

test('a synchronous preRequest lets the app run in the same tick', (t) => {
  const calls: string[] = [];
  const listener = withRequestHooks(
    () => void calls.push('app'),
    runner({ preRequest: () => undefined }, calls),
  );
  listener(request(), response());
  t.deepEqual(calls, ['preRequest', 'app']);
});

test('the app waits for an async preRequest', async (t) => {
  const calls: string[] = [];
  let release!: () => void;
  const pre = new Promise<void>((resolve) => (release = resolve));
  const listener = withRequestHooks(
    () => void calls.push('app'),
    runner({ preRequest: () => pre }, calls),
  );
  listener(request(), response());
  t.deepEqual(calls, ['preRequest']);
  release();
  await pre;
  await Promise.resolve();
  t.deepEqual(calls, ['preRequest', 'app']);
});

test('postRequest runs when the response closes, not before', (t) => {
  const calls: string[] = [];
  const res = response();
  const listener = withRequestHooks(
    () => void calls.push('app'),
    runner({ postRequest: () => undefined }, calls),
  );
  listener(request(), res);
  t.deepEqual(calls, ['app']);
  (res as unknown as EventEmitter).emit('close');
  t.deepEqual(calls, ['app', 'postRequest']);
});
