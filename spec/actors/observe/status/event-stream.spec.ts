// The page's server-sent events over a real HTTP server: the view on connect, a burst of
// changes coalesced into one push, nothing serialised with nobody listening, and close() ending
// every stream.
import test, { type ExecutionContext } from 'ava';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEventStream } from '../../../../actors/observe/status/event-stream.ts';
import { waitUntil } from '../../../helpers/wait.ts';

/** Serves `stream` until the test ends, then closes both. */
async function serve(
  t: ExecutionContext,
  stream: ReturnType<typeof createEventStream>,
): Promise<Server> {
  const server = createServer((req, res) => stream.connect(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    stream.close();
    server.close();
  });
  return server;
}

/** Reads an event stream in the background; `views` holds each pushed payload. */
async function follow(server: Server) {
  const { port } = server.address() as AddressInfo;
  const controller = new AbortController();
  const response = await fetch(`http://127.0.0.1:${port}/`, { signal: controller.signal });
  const views: unknown[] = [];
  let ended = false;
  void (async () => {
    const decoder = new TextDecoder();
    let text = '';
    try {
      for await (const chunk of response.body ?? []) {
        text += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = text.indexOf('\n\n')) >= 0) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const data = /^event: view\ndata: (.*)$/s.exec(block);
          if (data) views.push(JSON.parse(data[1] ?? 'null'));
        }
      }
    } catch {
      // aborted
    }
    ended = true;
  })();
  return { views, ended: () => ended, stop: () => controller.abort() };
}

test('a burst of changes is one push; nothing is built with no listener', async (t) => {
  let built = 0;
  let version = 0;
  const stream = createEventStream({
    payload: () => {
      built += 1;
      return { version };
    },
    interval: 100,
  });
  stream.changed();
  t.is(built, 0, 'no client, no payload');
  const server = await serve(t, stream);
  const client = await follow(server);
  await waitUntil(() => client.views.length === 1, 'the view on connect');
  for (let i = 0; i < 50; i += 1) {
    version = i;
    stream.changed();
  }
  await waitUntil(() => client.views.length >= 2, 'the coalesced push');
  t.deepEqual(client.views[1], { version: 49 });
  await new Promise((resolve) => setTimeout(resolve, 400));
  t.is(client.views.length, 2, 'fifty changes, one push');
  client.stop();
});

test('close() ends every stream', async (t) => {
  const stream = createEventStream({ payload: () => ({}) });
  const server = await serve(t, stream);
  const client = await follow(server);
  await waitUntil(() => stream.clientCount() === 1, 'a client');
  stream.close();
  await waitUntil(client.ended, 'the stream to end');
  t.is(stream.clientCount(), 0);
});

test('a change that matters pulls a routine push forward', async (t) => {
  let version = 0;
  const stream = createEventStream({
    payload: () => ({ version }),
    interval: 10,
    routineInterval: 600_000,
  });
  const server = await serve(t, stream);
  const client = await follow(server);
  await waitUntil(() => client.views.length === 1, 'the view on connect');
  version = 1;
  stream.changed(true);
  version = 2;
  stream.changed(false);
  await waitUntil(() => client.views.length === 2, 'the lifecycle push, not ten minutes later');
  t.deepEqual(client.views[1], { version: 2 });
  client.stop();
});
