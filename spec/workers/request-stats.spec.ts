import test, { type ExecutionContext } from 'ava';
import { createServer, request, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DURATION_BUCKETS_S } from '../../protocol/worker-stats.ts';
import { createRequestStats, MAX_SAMPLES_PER_BEAT } from '../../workers/requests/request-stats.ts';
import { createConnectionTracker } from '../../workers/serving/connection-tracker.ts';

const app: RequestListener = (req, res) => {
  res.statusCode = req.url === '/missing' ? 404 : 200;
  res.end('x');
};

/** A server whose connection tracker reports each closed response to `stats`, as a worker's does. */
async function serve(
  t: ExecutionContext,
  stats: ReturnType<typeof createRequestStats>,
  listener: RequestListener,
) {
  const tracker = createConnectionTracker({
    closeAfterEachResponse: false,
    onResponseClosed: stats.onResponseClosed,
  });
  const server = createServer(tracker.wrap(listener));
  tracker.watch(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => tracker.destroy([server]));
  return (server.address() as AddressInfo).port;
}

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

test('off: nothing for the tracker to call, nothing to read', (t) => {
  const stats = createRequestStats('off');
  t.is(stats.onResponseClosed, undefined);
  t.is(stats.read(), undefined);
});

// Serial: in-flight is the worker's one table of unfinished responses, shared in this process.
test.serial(
  'counts: every answered request by status, with its duration in a bucket',
  async (t) => {
    const stats = createRequestStats('counts');
    const port = await serve(t, stats, app);
    for (let i = 0; i < 5; i += 1) await get(port, '/');
    await get(port, '/missing');
    // The response's close can follow the client's end by a turn of the loop.
    let read = stats.read();
    for (let tries = 0; read!.requests < 6 && tries < 100; tries += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      read = stats.read();
    }
    t.is(read!.requests, 6);
    t.is(read!.inFlight, 0);
    t.deepEqual(read!.byStatus, { '200': 5, '404': 1 });
    t.is(read!.durationCounts.length, DURATION_BUCKETS_S.length + 1);
    t.is(
      read!.durationCounts.reduce((a, b) => a + b, 0),
      6,
    );
    t.true(read!.durationSumS > 0);
    t.is(read!.durationSamplesMs, undefined);
  },
);

test.serial('in flight: a request counts until its response closes', async (t) => {
  const stats = createRequestStats('counts');
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let arrived!: () => void;
  const started = new Promise<void>((resolve) => (arrived = resolve));
  const port = await serve(t, stats, (_req, res) => {
    arrived();
    void held.then(() => res.end('late'));
  });
  const answered = get(port, '/slow');
  await started;
  t.is(stats.read()!.inFlight, 1);
  release();
  await answered;
  let read = stats.read()!;
  for (let tries = 0; read.inFlight !== 0 && tries < 100; tries += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    read = stats.read()!;
  }
  t.is(read.inFlight, 0);
  t.is(read.requests, 1);
});

test('samples: each read gives the durations since the previous one, at most the cap, with the rate', (t) => {
  let clock = 0;
  const stats = createRequestStats('samples', () => clock);
  const response = { statusCode: 200 } as never;
  const total = MAX_SAMPLES_PER_BEAT * 2;
  for (let i = 0; i < total; i += 1) {
    const startedHr = clock;
    clock += 3;
    stats.onResponseClosed!(response, startedHr);
  }
  const first = stats.read()!;
  t.is(first.durationSamplesMs!.length, MAX_SAMPLES_PER_BEAT);
  t.is(first.sampleRate, 0.5);
  t.true(first.durationSamplesMs!.every((ms) => ms === 3));
  const second = stats.read()!;
  t.deepEqual(second.durationSamplesMs, []);
  t.is(second.requests, total);
});
