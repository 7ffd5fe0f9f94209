// `--metrics-bind` on the real CLI: the Prometheus text parses strictly, counts the requests the
// workers answered (from their heartbeats), keeps answering while a worker's event loop is
// blocked (whose heartbeat age then grows), and counts a SIGKILLed worker's exit and restart.
import test from 'ava';
import { createServer, type AddressInfo } from 'node:net';
import { app, eventually, startCorral, type CorralProcess } from './corral-process.ts';
import { get } from '../helpers/http-client.ts';
import { within } from '../helpers/wait.ts';
import { parsePrometheusText, sampleValue, samplesOf } from '../helpers/prometheus-text.ts';

/** Far above any scrape's time, even on a busy CI machine: only a hung scrape reaches it. */
const SCRAPE_DEADLINE_MS = 10_000;

async function metricsOf(corral: CorralProcess) {
  const [, host, port] = (await corral.waitFor(/Metrics at: http:\/\/([^:]+):(\d+)\/metrics/)).map(
    String,
  );
  if (host !== '127.0.0.1') throw new Error(`metrics on ${host}`);
  return async () => {
    const started = Date.now();
    const response = await within(get(Number(port), '/metrics'), 'a scrape', SCRAPE_DEADLINE_MS);
    if (response.status !== 200) throw new Error(`scrape answered ${response.status}`);
    return { families: parsePrometheusText(response.body), ms: Date.now() - started };
  };
}

const workerKeyOf = (corral: CorralProcess, pid: number) => {
  const match = new RegExp(`Booting worker (\\d+) with pid: ${pid}\\b`).exec(corral.output());
  if (match === null) throw new Error(`no worker with pid ${pid}`);
  return `worker-${match[1]}`;
};

test.serial(
  'requests are counted, a blocked worker does not hold up a scrape, a SIGKILL counts as killed',
  async (t) => {
    t.timeout(120_000);
    const corral = startCorral(t, [
      app('metrics-app.mjs'),
      ...['-w', '2', '-b', '127.0.0.1:0', '--metrics-bind', '127.0.0.1:0', '--timeout', '600'],
    ]);
    const port = await corral.port();
    const scrape = await metricsOf(corral);
    await corral.waitFor(/Ready: 2 workers serving/);

    for (let i = 0; i < 10; i += 1) t.is((await get(port, '/')).status, 200);
    for (let i = 0; i < 3; i += 1) t.is((await get(port, '/missing')).status, 404);
    const requests = async (statusClass: string) =>
      sampleValue((await scrape()).families, 'corral_http_requests_total', {
        status_class: statusClass,
      });
    await eventually(
      async () => (await requests('2xx')) === 10 && (await requests('4xx')) === 3,
      'the heartbeats carry 10 2xx and 3 4xx',
    );
    const counted = (await scrape()).families;
    t.is(sampleValue(counted, 'corral_http_request_duration_seconds_count'), 13);
    t.is(sampleValue(counted, 'corral_http_requests_total', { status_class: '5xx' }), 0);

    const blocking = get(port, '/block?s=300').catch((error: unknown) => error);
    const blockedPid = Number((await corral.waitFor(/blocking the event loop of (\d+)/))[1]);
    const blocked = workerKeyOf(corral, blockedPid);
    const other = corral
      .workerPids()
      .map((pid) => workerKeyOf(corral, pid))
      .find((k) => k !== blocked);
    const age = (families: Awaited<ReturnType<typeof scrape>>['families'], worker: string) =>
      sampleValue(families, 'corral_worker_heartbeat_age_seconds', { worker });

    const first = await scrape();
    let latest = first;
    const slowest = { ms: first.ms };
    await eventually(async () => {
      latest = await scrape();
      slowest.ms = Math.max(slowest.ms, latest.ms);
      return age(latest.families, blocked) >= 5;
    }, `the heartbeat age of the blocked ${blocked} to reach 5 s`);
    t.true(age(latest.families, blocked) > age(first.families, blocked), 'it grows');
    t.true(age(latest.families, other!) < age(latest.families, blocked), 'the other beats on');
    t.is(sampleValue(latest.families, 'corral_workers', { phase: 'ready' }), 2);
    t.log(`slowest scrape while ${blocked} was blocked: ${slowest.ms} ms`);

    process.kill(blockedPid, 'SIGKILL');
    await corral.waitFor(
      new RegExp(`\\(pid:${blockedPid}\\) was killed with SIGKILL by something other than corral`),
    );
    await blocking;
    await eventually(async () => {
      const { families } = await scrape();
      return sampleValue(families, 'corral_workers', { phase: 'ready' }) === 2;
    }, 'two ready workers again');
    const after = (await scrape()).families;
    t.is(sampleValue(after, 'corral_worker_exits_total', { cause: 'killed' }), 1);
    t.is(sampleValue(after, 'corral_worker_exits_total', { cause: 'timeout' }), 0);
    t.is(sampleValue(after, 'corral_worker_restarts_total'), 1);
    t.is(sampleValue(after, 'corral_http_requests_total', { status_class: '2xx' }), 10, 'kept');
    t.false(
      samplesOf(after, 'corral_worker_heartbeat_age_seconds').some(
        (s) => s.labels.worker === blocked,
      ),
      'the killed worker has no heartbeat series left',
    );

    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
  },
);

test.serial(
  'a metrics address in use: one line naming it, exit 1, no worker started',
  async (t) => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    t.teardown(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const address = `127.0.0.1:${(taken.address() as AddressInfo).port}`;
    const corral = startCorral(t, [
      app('metrics-app.mjs'),
      ...['-b', '127.0.0.1:0', '--metrics-bind', address],
    ]);
    t.is((await corral.exited).code, 1);
    t.regex(corral.output(), new RegExp(`cannot listen at ${address}: address already in use`));
    t.notRegex(corral.output(), /Booting worker/);
  },
);
