// A worker whose event loop is stuck tells the master where, before the timeout kills it: its
// watchdog thread writes a stall report on the report pipe with the stuck function, file and
// line, and the requests in flight. No master here: the spec reads the pipe itself.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkerMessage } from '../../../protocol/ipc-messages.ts';
import type { WorkerClassName } from '../../../protocol/worker-boot.ts';
import { bindSocket } from '../../helpers/bound-socket.ts';
import { get } from '../../helpers/http-client.ts';
import { waitUntil } from '../../helpers/wait.ts';
import { appFixtures, startWorker } from '../../helpers/worker-harness.ts';

/** The 1-based line of a fixture that holds `marker`. */
function lineOf(fixture: string, marker: string): number {
  const lines = readFileSync(join(appFixtures, fixture), 'utf8').split('\n');
  return lines.findIndex((line) => line.includes(marker)) + 1;
}

function heartbeatAfterReady(messages: readonly WorkerMessage[]): boolean {
  const ready = messages.findIndex((message) => message.act === 'ready');
  return ready !== -1 && messages.slice(ready).some((message) => message.act === 'heartbeat');
}

const serving: [string, WorkerClassName, { watchBoot: boolean }][] = [
  ['stuck-handler.mjs', 'async', { watchBoot: true }],
  ['stuck-handler.mjs', 'sync', { watchBoot: true }],
  // tsx compiles a .ts app to one line: only a source-mapped position names the right line.
  ['stuck-handler.ts', 'async', { watchBoot: true }],
  // Every worker but a generation's first starts its watchdog at a heartbeat once it serves.
  ['stuck-handler.mjs', 'async', { watchBoot: false }],
];

for (const [fixture, workerClass, { watchBoot }] of serving) {
  const boot = watchBoot ? 'boot watched' : 'watchdog started at ready';
  test.serial(
    `${fixture} (${workerClass}, ${boot}): the report names the loop and GET /spin`,
    async (t) => {
      t.timeout(30_000);
      const socket = bindSocket(t);
      const worker = startWorker(t, socket, {
        app: fixture,
        workerClass,
        timeoutMs: 3000,
        watchBoot,
      });
      await worker.waitForMessage('ready');
      // Unless it watched its boot, the worker starts the watchdog at its first heartbeat after.
      if (!watchBoot) await waitUntil(() => heartbeatAfterReady(worker.messages), 'a heartbeat');
      t.is((await get(socket.port, '/')).body, 'ok');
      void get(socket.port, '/spin?reason=test').catch(() => undefined);

      // A busy machine may starve the worker long enough for an earlier report: wait for this one.
      const report = await worker.waitForReport((r) => r.inFlight.some((i) => i.url !== '/'));
      t.is(report.phase, 'serving');
      t.like(report.stack[0], {
        functionName: 'spinForever',
        url: join(appFixtures, fixture),
        line: lineOf(fixture, 'the stuck line'),
      });
      t.like(report.stack[1], { functionName: 'handle', url: join(appFixtures, fixture) });
      t.is(report.inFlight.length, 1);
      t.like(report.inFlight[0], { method: 'GET', url: '/spin?reason=test' });
    },
  );
}

test.serial('a worker stuck while importing the app reports with phase boot', async (t) => {
  t.timeout(30_000);
  const fixture = 'stuck-on-import.mjs';
  // Nothing kills it here; the boot timeout only sets when the watchdog reports.
  const worker = startWorker(t, bindSocket(t), { app: fixture, bootTimeoutMs: 6000 });

  const report = await worker.waitForReport();
  t.is(report.phase, 'boot');
  t.like(report.stack[0], {
    functionName: 'loadForever',
    url: join(appFixtures, fixture),
    line: lineOf(fixture, 'the stuck line'),
  });
  t.deepEqual(report.inFlight, []);
  t.false(worker.messages.some((message) => message.act === 'booted'));
});
