// The Prometheus part against a real arbiter (fake worker processes, simulated clock) feeding
// a real observation: what a scrape says after heartbeats, exits and reloads, and the HTTP
// server's behaviour (content type, 404, unix sockets, bind failures, stop with keep-alive).
import test from 'ava';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createObservation } from '../../../../actors/observe/observation.ts';
import { createRenderer, startPrometheus } from '../../../../actors/observe/metrics/prometheus.ts';
import { resolveSettings } from '../../../../settings/resolve-settings.ts';
import { BindError } from '../../../../errors.ts';
import type { WorkerStats } from '../../../../protocol/worker-stats.ts';
import type { LogSink } from '../../../../actors/supervision-log.ts';
import { startArbiter } from '../../../machines/arbiter-harness.ts';
import { parsePrometheusText, sampleValue, samplesOf } from '../../../helpers/prometheus-text.ts';
import { get } from '../../../helpers/http-client.ts';

function observed(workers: number) {
  let now = 1_000_000;
  const observation = createObservation({ now: () => now });
  const harness = startArbiter(workers, {
    inspect: observation.inspect,
    beforeStart: (actor) => observation.attach(actor),
  });
  const render = createRenderer({ observation }, () => now);
  const scrape = async () => parsePrometheusText((await render()).body);
  return { observation, harness, scrape, advance: (ms: number) => (now += ms) };
}

/** Stats as a worker sends them: per-bucket counts (index 0: up to 5 ms, 1: up to 10 ms...). */
const stats = (
  byStatus: Record<string, number>,
  durationCounts: number[],
  inFlight = 0,
): WorkerStats => ({
  requests: Object.values(byStatus).reduce((a, b) => a + b, 0),
  inFlight,
  byStatus,
  durationCounts,
  durationSumS: 0.5,
});

function recordingLog() {
  const lines: string[] = [];
  const record = (message: string) => void lines.push(message);
  const log: LogSink = { debug: record, info: record, warn: record, error: record, fatal: record };
  return { log, lines };
}

function settingsWith(metricsBind: string) {
  return resolveSettings([
    {
      source: 'program',
      values: {
        app: { value: 'app.js', origin: 'spec' },
        metricsBind: { value: metricsBind, origin: 'spec' },
      },
    },
  ]).settings;
}

test('workers by phase and state, the target, and a heartbeat age per worker', async (t) => {
  const { harness, scrape, advance } = observed(2);
  harness.readyAll();
  harness.fakes.heartbeat(1);
  harness.fakes.heartbeat(2);
  advance(4_000);
  harness.fakes.heartbeat(2);
  const families = await scrape();
  t.is(sampleValue(families, 'corral_workers', { phase: 'ready' }), 2);
  t.is(sampleValue(families, 'corral_workers', { phase: 'booting' }), 0);
  t.is(sampleValue(families, 'corral_worker_states', { state: 'serving.watching' }), 2);
  t.is(sampleValue(families, 'corral_target_workers'), 2);
  t.is(sampleValue(families, 'corral_worker_heartbeat_age_seconds', { worker: 'worker-1' }), 4);
  t.is(sampleValue(families, 'corral_worker_heartbeat_age_seconds', { worker: 'worker-2' }), 0);
  t.is(families.get('corral_workers')?.type, 'gauge');
});

test('requests by status class and the duration histogram sum live workers and exited ones', async (t) => {
  const { harness, scrape } = observed(2);
  harness.readyAll();
  harness.fakes.heartbeat(1, stats({ '200': 3, '404': 1 }, [2, 1, 0, 1], 1));
  harness.fakes.heartbeat(2, stats({ '204': 2, '503': 1 }, [3]));
  const before = await scrape();
  t.is(sampleValue(before, 'corral_http_requests_total', { status_class: '2xx' }), 5);
  t.is(sampleValue(before, 'corral_http_requests_total', { status_class: '4xx' }), 1);
  t.is(sampleValue(before, 'corral_http_requests_total', { status_class: '5xx' }), 1);
  t.is(sampleValue(before, 'corral_http_requests_total', { status_class: '3xx' }), 0);
  t.is(sampleValue(before, 'corral_http_requests_in_flight'), 1);
  const bucket = (families: typeof before, le: string) =>
    sampleValue(families, 'corral_http_request_duration_seconds_bucket', { le });
  t.deepEqual(
    ['0.005', '0.01', '0.025', '0.05', '10', '+Inf'].map((le) => bucket(before, le)),
    [5, 6, 6, 7, 7, 7],
  );
  t.is(sampleValue(before, 'corral_http_request_duration_seconds_count'), 7);
  t.is(sampleValue(before, 'corral_http_request_duration_seconds_sum'), 1);
  t.is(before.get('corral_http_request_duration_seconds')?.type, 'histogram');

  harness.fakes.exit(1, null, 'SIGKILL');
  const after = await scrape();
  t.is(sampleValue(after, 'corral_http_requests_total', { status_class: '2xx' }), 5);
  t.is(bucket(after, '+Inf'), 7);
  t.is(sampleValue(after, 'corral_http_requests_in_flight'), 0, 'a dead worker serves nothing');
});

test('exits by cause, restarts and reloads by outcome are counters that start at zero', async (t) => {
  const { harness, scrape } = observed(2);
  harness.readyAll();
  const fresh = await scrape();
  t.is(sampleValue(fresh, 'corral_worker_exits_total', { cause: 'killed' }), 0);
  t.is(sampleValue(fresh, 'corral_reloads_total', { outcome: 'done' }), 0);
  t.is(fresh.get('corral_worker_exits_total')?.type, 'counter');

  harness.fakes.exit(1, null, 'SIGKILL');
  harness.fakes.exit(2, 1);
  harness.readyAll();
  const families = await scrape();
  t.is(sampleValue(families, 'corral_worker_exits_total', { cause: 'killed' }), 1);
  t.is(sampleValue(families, 'corral_worker_exits_total', { cause: 'crashed' }), 1);
  t.is(sampleValue(families, 'corral_worker_exits_total', { cause: 'timeout' }), 0);
  t.is(sampleValue(families, 'corral_worker_restarts_total'), 2);
  t.is(sampleValue(families, 'corral_workers_spawned_total'), 4);
  t.deepEqual(
    samplesOf(families, 'corral_worker_heartbeat_age_seconds').map((s) => s.labels.worker),
    ['worker-3', 'worker-4'],
    'the dead workers have no series left',
  );
});

test("the master's own process metrics are there, under corral_master_", async (t) => {
  const { scrape } = observed(1);
  const families = await scrape();
  t.is(families.get('corral_master_process_cpu_seconds_total')?.type, 'counter');
  t.true(sampleValue(families, 'corral_master_process_resident_memory_bytes') > 0);
});

test('the spec parser is strict: it rejects what Prometheus would reject', (t) => {
  t.throws(() => parsePrometheusText('a{b="c"} 1'), { message: /newline/ });
  t.throws(() => parsePrometheusText('a{b=c} 1\n'), { message: /not a sample/ });
  t.throws(() => parsePrometheusText('a 1\na 2\n'), { message: /second sample/ });
  t.throws(() => parsePrometheusText('a 1\nb 1\na{x="1"} 1\n'), { message: /together/ });
  t.throws(
    () => parsePrometheusText('# TYPE h histogram\nh_bucket{le="1"} 2\nh_sum 1\nh_count 2\n'),
    { message: /\+Inf/ },
  );
  t.notThrows(() => parsePrometheusText('# HELP a x\n# TYPE a gauge\na{b="q\\"z"} -1.5e3\n'));
});

test('served over HTTP at /metrics with the Prometheus content type, 404 elsewhere; the log names the address', async (t) => {
  const observation = createObservation();
  const { log, lines } = recordingLog();
  const part = await startPrometheus({ observation, settings: settingsWith('127.0.0.1:0'), log });
  t.teardown(() => part.stop());
  const match = /^Metrics at: http:\/\/127\.0\.0\.1:(\d+)\/metrics$/.exec(lines.join('\n'));
  t.truthy(match, lines.join('\n'));
  t.is(part.address, `http://127.0.0.1:${match?.[1]}/metrics`);
  const port = Number(match?.[1]);
  const metrics = await get(port, '/metrics');
  t.is(metrics.status, 200);
  t.is(metrics.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  t.true(parsePrometheusText(metrics.body).has('corral_workers'));
  t.is((await get(port, '/')).status, 404);
  t.is((await get(port, '/metrics', { method: 'POST' })).status, 405);
});

test('stop() closes the server at once, even with a keep-alive connection open', async (t) => {
  const observation = createObservation();
  const part = await startPrometheus({
    observation,
    settings: settingsWith('127.0.0.1:0'),
    log: recordingLog().log,
  });
  const port = Number(/:(\d+)\//.exec(part.address ?? '')?.[1]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  t.is((await get(port, '/metrics', { agent })).status, 200);
  await part.stop();
  await t.throwsAsync(get(port, '/metrics'), { code: 'ECONNREFUSED' });
});

test('unix:PATH serves the same and the socket file is gone after stop()', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'corral-metrics-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'metrics.sock');
  const { log, lines } = recordingLog();
  const part = await startPrometheus({
    observation: createObservation(),
    settings: settingsWith(`unix:${path}`),
    log,
  });
  t.is(part.address, `unix:${path}`);
  t.true(lines.includes(`Metrics at: unix:${path} (GET /metrics)`));
  const body = await new Promise<string>((resolve, reject) => {
    http
      .get({ socketPath: path, path: '/metrics', agent: false }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
  t.true(parsePrometheusText(body).has('corral_http_requests_total'));
  await part.stop();
  await t.throwsAsync(stat(path), { code: 'ENOENT' });
});

test('an address in use is a BindError naming it (the master exits 1)', async (t) => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => taken.close(() => resolve())));
  const address = `127.0.0.1:${(taken.address() as AddressInfo).port}`;
  const error = await t.throwsAsync(
    startPrometheus({
      observation: createObservation(),
      settings: settingsWith(address),
      log: recordingLog().log,
    }),
    { instanceOf: BindError },
  );
  t.is(error?.message, `cannot listen at ${address}: address already in use`);
  t.is(error?.exitCode, 1);
});
