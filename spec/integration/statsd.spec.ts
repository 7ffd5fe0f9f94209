import test from 'ava';
import { fileURLToPath } from 'node:url';
import { listenDatagrams } from '../helpers/datagram-listener.ts';
import { listenStatsd, parseStatsdLine, type StatsdListener } from '../helpers/statsd-listener.ts';
import { get, startCorral } from './corral-process.ts';

// `/` answers 200, `/status?code=404` answers 404.
const statusApp = fileURLToPath(new URL('../fixtures/apps/access-log-app.mjs', import.meta.url));

const lastGauge = (statsd: StatsdListener, name: string) => statsd.named(name).at(-1)?.value;

test.serial(
  "Gunicorn's metrics arrive on UDP: request and status counts, timers, the workers gauge, error lines",
  async (t) => {
    const statsd = await listenStatsd(t);
    const corral = startCorral(t, [
      statusApp,
      '-w',
      '2',
      '-b',
      '127.0.0.1:0',
      '--statsd-host',
      `127.0.0.1:${statsd.port}`,
      '--statsd-prefix',
      'myapp',
    ]);
    const port = await corral.port();
    await corral.waitFor(/Ready: 2 workers serving/);
    await statsd.waitUntil(() => lastGauge(statsd, 'myapp.workers') === 2, 'myapp.workers:2|g');

    for (let i = 0; i < 8; i += 1) t.is((await get(port, '/')).status, 200);
    for (let i = 0; i < 4; i += 1) t.is((await get(port, '/status?code=404')).status, 404);
    await statsd.waitUntil(
      () =>
        statsd.sum('myapp.requests') >= 12 && statsd.named('myapp.request.duration').length >= 12,
      'twelve requests counted and timed',
    );
    t.is(statsd.sum('myapp.requests'), 12);
    t.is(statsd.sum('myapp.request.status.200'), 8);
    t.is(statsd.sum('myapp.request.status.404'), 4);
    const timers = statsd.named('myapp.request.duration');
    // Each sampled duration is sent once; a dozen requests are all in the sample (no @rate).
    t.is(timers.length, 12);
    t.true(timers.every((line) => line.type === 'ms' && line.rate === undefined));

    const [victim] = corral.workerPids();
    const gaugesBefore = statsd.named('myapp.workers').length;
    process.kill(victim!, 'SIGKILL');
    await corral.waitFor(/was killed with SIGKILL by something other than corral/);
    await statsd.waitUntil(() => statsd.sum('myapp.log.error') >= 1, 'myapp.log.error counted');
    t.is(statsd.sum('myapp.log.error'), 1);
    await corral.waitFor(/Worker 3 \(pid:\d+\) ready/);
    await statsd.waitUntil(
      () => statsd.named('myapp.workers').length > gaugesBefore,
      'a workers gauge after the kill',
    );
    // The dead worker's counts were sent already; they are not counted again.
    t.is(statsd.sum('myapp.requests'), 12);

    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
    // The final flush at stop reports the workers gone.
    await statsd.waitUntil(() => lastGauge(statsd, 'myapp.workers') === 0, 'myapp.workers:0|g');
    t.deepEqual(
      statsd.lines().filter((line) => parseStatsdLine(line) === undefined),
      [],
      'every line parses as name:value|type(|@rate)',
    );
    t.true(statsd.datagrams().every((datagram) => datagram.length <= 1400));
  },
);

test.serial('a statsd host that does not resolve: one clear line, exit code 1', async (t) => {
  const corral = startCorral(t, [
    statusApp,
    '-b',
    '127.0.0.1:0',
    '--statsd-host',
    'no-such-host.invalid:8125',
  ]);
  const { code } = await corral.exited;
  t.is(code, 1);
  t.regex(corral.output(), /--statsd-host no-such-host\.invalid:8125: cannot resolve/);
  t.notRegex(corral.output(), /Booting worker/);
});

test.serial('unix:PATH sends the same lines to a unix datagram socket', async (t) => {
  const listener = await listenDatagrams(t);
  const corral = startCorral(t, [
    statusApp,
    '-b',
    '127.0.0.1:0',
    '--statsd-host',
    `unix:${listener.address}`,
  ]);
  const port = await corral.port();
  await corral.waitFor(/Ready: 1 worker serving/);
  t.is((await get(port, '/')).status, 200);
  await listener.waitFor((data) => data.split('\n').includes('requests:1|c'));
  const lines = listener.received().flatMap((datagram) => datagram.data.split('\n'));
  t.true(lines.includes('workers:1|g'));
  t.true(lines.includes('request.status.200:1|c'));
  t.true(lines.every((line) => parseStatsdLine(line) !== undefined));
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});
