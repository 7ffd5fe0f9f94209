import test from 'ava';
import { startCorral, get, type CorralProcess } from './corral-process.ts';
import {
  closedPort,
  startRelay,
  type Relay,
  type RelayMessage,
} from '../helpers/inspector-relay.ts';
import { within } from '../helpers/wait.ts';

const hello = 'examples/hello.js';

const actorNamed = (name: string) => (m: RelayMessage) =>
  m.type === '@xstate.actor' && m.name === name;

/** The actor's registration, then an event and a snapshot addressed to it. */
async function seenWhole(relay: Relay, name: string): Promise<RelayMessage> {
  const actor = await relay.waitFor(actorNamed(name), `@xstate.actor for ${name}`);
  const mine = (type: string) => (m: RelayMessage) =>
    m.type === type && m.sessionId === actor.sessionId;
  await relay.waitFor(mine('@xstate.event'), `an @xstate.event for ${name}`);
  await relay.waitFor(mine('@xstate.snapshot'), `an @xstate.snapshot for ${name}`);
  return actor;
}

async function stopsWithZero(corral: CorralProcess): Promise<number | null> {
  corral.signal('SIGTERM');
  const { code } = await within(corral.exited, 'the master to exit after TERM');
  return code;
}

test.serial('the arbiter and every worker machine reach a real relay, TTIN adds one', async (t) => {
  const relay = await startRelay(t);
  const corral = startCorral(t, [hello, '-w', '2', '-b', '127.0.0.1:0', '--inspector', relay.url]);
  await corral.waitFor(/Ready: 2 workers serving/);
  const arbiter = await seenWhole(relay, 'arbiter');
  t.is(arbiter.parentId, undefined);
  const definition = JSON.parse(arbiter.definition ?? '{}') as { id?: string };
  t.is(definition.id, 'arbiter');
  t.false(arbiter.definition?.includes('[Object]'), 'the definition is whole, not depth-cut');
  for (const name of ['worker-1', 'worker-2']) {
    const worker = await seenWhole(relay, name);
    t.is(worker.parentId, arbiter.sessionId, `${name} is the arbiter's child`);
    t.is(worker.rootId, arbiter.sessionId);
    t.is((JSON.parse(worker.definition ?? '{}') as { id?: string }).id, 'worker');
  }
  await relay.waitFor(
    (m) => m.type === '@xstate.event' && m.event?.type === 'worker.ready',
    'the arbiter told a worker is ready',
  );

  corral.signal('SIGTTIN');
  const third = await relay.waitFor(actorNamed('worker-3'), '@xstate.actor for worker-3');
  t.is(third.parentId, arbiter.sessionId);

  t.is(await stopsWithZero(corral), 0);
  const final = relay.messages.filter(
    (m) => m.type === '@xstate.snapshot' && m.sessionId === arbiter.sessionId,
  );
  t.is(final.at(-1)?.snapshot?.status, 'done', "the arbiter's final snapshot was sent");
});

test.serial('nothing listening at the URL: it serves, warns once, and exits on TERM', async (t) => {
  const port = await closedPort();
  const corral = startCorral(t, [
    hello,
    '-w',
    '2',
    '-b',
    '127.0.0.1:0',
    '--log-level',
    'debug',
    '--inspector',
    `ws://127.0.0.1:${port}`,
  ]);
  await corral.waitFor(/Ready: 2 workers serving/);
  const response = await get(await corral.port());
  t.is(response.status, 200);
  t.regex(response.body, /Hello from worker/);
  // Several attempts have failed (one debug line each) before the warnings are counted.
  await corral.waitFor(/(unreachable[\s\S]*){4}/);
  const warnings = corral.output().match(/\[WARN\].*Inspector.*/g) ?? [];
  t.is(warnings.length, 1, warnings.join('\n'));
  t.regex(warnings[0] ?? '', new RegExp(`cannot reach ws://127.0.0.1:${port}`));
  t.is(await stopsWithZero(corral), 0);
});

test.serial('the relay goes away and comes back: the messages resume', async (t) => {
  const relay = await startRelay(t);
  const corral = startCorral(t, [hello, '-w', '2', '-b', '127.0.0.1:0', '--inspector', relay.url]);
  await corral.waitFor(/Ready: 2 workers serving/);
  await seenWhole(relay, 'worker-2');

  await relay.close();
  await corral.waitFor(/Inspector: lost ws:/);
  await relay.reopen();
  await corral.waitFor(/Inspector: reconnected to ws:/);
  // The new relay knows nothing: the live actors are registered again, with their state.
  const arbiter = await relay.waitFor(actorNamed('arbiter'), 'the arbiter registered again');
  t.deepEqual(arbiter.snapshot?.value, { serving: { running: 'noStandby' } });
  for (const name of ['worker-1', 'worker-2']) {
    const worker = await relay.waitFor(actorNamed(name), `${name} registered again`);
    t.is(worker.parentId, arbiter.sessionId);
  }
  corral.signal('SIGTTIN');
  await seenWhole(relay, 'worker-3');
  t.is(await stopsWithZero(corral), 0);
  t.is(corral.output().match(/\[WARN\].*Inspector.*/g)?.length, 1, 'one warning for the outage');
});
