import test from 'ava';
import type { StatelyInspectionEvent } from '@statelyai/inspect';
import { createRelayAdapter } from '../../../../actors/observe/inspector/relay-adapter.ts';
import type { LogSink } from '../../../../actors/supervision-log.ts';
import { startRelay } from '../../../helpers/inspector-relay.ts';
import { waitUntil } from '../../../helpers/wait.ts';

function recordingLog() {
  const lines: Array<[level: string, message: string]> = [];
  const at = (level: string) => (message: string) => lines.push([level, message]);
  const log: LogSink = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
  };
  return { log, lines, warnings: () => lines.filter(([level]) => level === 'warn') };
}

const base = { createdAt: '0', id: null as unknown as string, _version: '0.7.2', rootId: 'x:0' };
const actor = (sessionId: string): StatelyInspectionEvent => ({
  ...base,
  type: '@xstate.actor',
  name: 'arbiter',
  sessionId,
  parentId: undefined,
  definition: '{"id":"arbiter"}',
  snapshot: { status: 'active', value: 'running' },
});
const event = (n: number): StatelyInspectionEvent => ({
  ...base,
  type: '@xstate.event',
  sessionId: 'x:0',
  sourceId: undefined,
  event: { type: `e${n}` },
});

test.serial(
  'while the relay is away messages wait, bounded; on connect the live actors come first',
  async (t) => {
    const relay = await startRelay(t);
    await relay.close();
    const { log, lines, warnings } = recordingLog();
    const adapter = createRelayAdapter({
      url: relay.url,
      log,
      depth: 16,
      outbox: { maxMessages: 3, maxBytes: 1 << 20 },
    });
    t.teardown(() => adapter.close());
    adapter.start();
    await waitUntil(() => warnings().length > 0, 'the first failed attempt');
    adapter.send(actor('x:0'));
    for (let n = 1; n <= 4; n += 1) adapter.send(event(n));
    t.like(adapter.counts, { waiting: 3, dropped: 2, live: 1 });

    await relay.reopen();
    await waitUntil(() => relay.messages.length === 4, 'the waiting messages arrive');
    t.deepEqual(
      relay.messages.map((m) => (m.type === '@xstate.actor' ? m.name : m.event?.type)),
      ['arbiter', 'e2', 'e3', 'e4'],
    );
    t.is(warnings().length, 1);
    t.true(lines.some(([, line]) => /connected to .*\(2 messages dropped while away\)/.test(line)));
  },
);

test.serial(
  'a lost connection is warned once; the reconnection registers the actors again',
  async (t) => {
    const relay = await startRelay(t);
    const { log, lines, warnings } = recordingLog();
    const adapter = createRelayAdapter({ url: relay.url, log, depth: 16 });
    t.teardown(() => adapter.close());
    adapter.start();
    await waitUntil(() => lines.some(([, line]) => /Inspector: connected/.test(line)), 'connected');
    adapter.send(actor('x:0'));
    await relay.waitFor((m) => m.type === '@xstate.actor', 'the registration');

    await relay.close();
    await waitUntil(() => warnings().length === 1, 'the loss is warned');
    t.regex(warnings()[0]![1], /Inspector: lost ws:/);
    await relay.reopen();
    const again = await relay.waitFor((m) => m.type === '@xstate.actor', 'the registration again');
    t.is(again.sessionId, 'x:0');
    adapter.send(event(9));
    await relay.waitFor((m) => m.event?.type === 'e9', 'a new event');
    t.is(warnings().length, 1);
  },
);

test.serial('after close nothing more is sent or kept', async (t) => {
  const relay = await startRelay(t);
  const { log, lines } = recordingLog();
  const adapter = createRelayAdapter({ url: relay.url, log, depth: 16 });
  adapter.start();
  await waitUntil(() => lines.some(([, line]) => /Inspector: connected/.test(line)), 'connected');
  await adapter.close();
  adapter.send(event(1));
  adapter.send(actor('x:0'));
  t.like(adapter.counts, { waiting: 0 });
  t.is(relay.messages.length, 0);
});
