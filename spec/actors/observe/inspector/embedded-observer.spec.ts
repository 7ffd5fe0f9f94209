import test from 'ava';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { createArbiter } from '../../../../index.ts';
import { waitUntil } from '../../../helpers/wait.ts';

test("an embedding program's own inspect observer sees every worker machine", async (t) => {
  const seen: InspectionEvent[] = [];
  const arbiter = createArbiter(
    { app: 'examples/hello.js', workers: 1, bind: ['127.0.0.1:0'] },
    { handleSignals: false, inspect: (event) => seen.push(event) },
  );
  t.teardown(() => arbiter.stop('quick'));
  await arbiter.start();
  await arbiter.ready;
  const ofActor = (type: string, id: string) =>
    seen.filter((e) => e.type === type && (e.actorRef as AnyActorRef).id === id);
  await waitUntil(() => ofActor('@xstate.actor', 'worker-1').length > 0, 'worker-1 registered');
  const worker = ofActor('@xstate.actor', 'worker-1')[0]!.actorRef as AnyActorRef;
  t.is(arbiter.actor?.system.get('worker-1'), worker, 'the same actor, by its systemId');
  t.true(seen.some((e) => e.type === '@xstate.actor' && e.actorRef === arbiter.actor));
  t.true(ofActor('@xstate.snapshot', 'worker-1').length > 0);
  arbiter.stop();
  t.is((await arbiter.done).exitCode, 0);
  const last = ofActor('@xstate.snapshot', 'worker-1').at(-1);
  t.like(last?.type === '@xstate.snapshot' ? last.snapshot : undefined, { status: 'done' });
});
