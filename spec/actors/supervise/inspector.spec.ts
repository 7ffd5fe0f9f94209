// A tree streamed to a real WebSocket relay standing in for the Stately inspector: every
// supervisor and child is an actor named by its path, and a restarted child comes back under
// the same name.
import test from 'ava';
import { createSupervisor } from '../../../actors/supervise/create-supervisor.ts';
import { startRelay } from '../../helpers/inspector-relay.ts';
import { waitUntil, within } from '../../helpers/wait.ts';

const SLEEP = { command: 'sleep', args: ['3600'], stdio: 'ignore' } as const;

test('with inspector, the tree streams to the relay with each actor named by its path', async (t) => {
  const relay = await startRelay(t);
  const tree = createSupervisor(
    {
      children: [
        { id: 'b', ...SLEEP },
        { id: 'jobs', children: [{ id: 'a', ...SLEEP }] },
      ],
    },
    { inspector: relay.url },
  );
  t.teardown(async () => {
    tree.stop();
    await tree.done;
  });
  await tree.start();
  await within(tree.ready, 'the tree to be ready');
  const named = (name: string) => (m: { type: string; name?: string }) =>
    m.type === '@xstate.actor' && m.name === name;
  for (const name of ['root', 'root/b', 'root/jobs', 'root/jobs/a']) {
    await relay.waitFor(named(name), `the actor ${name}`);
  }
  const first = relay.messages.find(named('root/b'))!;
  const pid = tree.actor!.getSnapshot().context.children.b!.pid!;
  process.kill(pid, 'SIGKILL');
  await relay.waitFor(
    (m) => named('root/b')(m) && m.sessionId !== first.sessionId,
    'the restarted child under the same name',
  );
  tree.stop();
  const output = await within(tree.done, 'the tree to stop');
  t.is(output.exitCode, 0);
  const root = relay.messages.find(named('root'))!.sessionId;
  const rootDone = (m: { type: string; sessionId: string; snapshot?: { status?: string } }) =>
    m.type === '@xstate.snapshot' && m.sessionId === root && m.snapshot?.status === 'done';
  await waitUntil(() => relay.messages.some(rootDone), "the root's final snapshot");
});
