import test, { type ExecutionContext } from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assign, createActor, setup, type AnyActorLogic } from 'xstate';
import { bindListeners, type BoundListener } from '../../../actors/listeners/bind-listeners.ts';
import type { ReexecCommand } from '../../../actors/upgrade/command.ts';
import { spawnMasterLogic } from '../../../actors/upgrade/spawn-master.ts';
import type { UpgradeEvent } from '../../../machines/arbiter-machine.ts';
import { parseAddress } from '../../../settings/parse-address.ts';
import { waitUntil } from '../../helpers/wait.ts';

// The upgrade actor with real processes: a stand-in "new master" (a node -e script) reports
// what it inherited and serves on the handed-over socket.

/** A parent that records what the upgrade actor sends back, as the arbiter would receive it. */
function runUpgrade(logic: AnyActorLogic) {
  const parent = setup({
    types: { context: {} as { events: UpgradeEvent[] }, events: {} as UpgradeEvent },
    actors: { upgrade: logic },
  }).createMachine({
    context: { events: [] },
    invoke: { src: 'upgrade' },
    on: {
      'upgrade.started': {
        actions: assign({ events: ({ context, event }) => [...context.events, event] }),
      },
      'upgrade.exited': {
        actions: assign({ events: ({ context, event }) => [...context.events, event] }),
      },
    },
  });
  const actor = createActor(parent).start();
  return { actor, events: () => actor.getSnapshot().context.events };
}

async function boundSocket(t: ExecutionContext): Promise<BoundListener> {
  const [listener] = await bindListeners([parseAddress('127.0.0.1:0')]);
  t.teardown(() => listener!.close());
  return listener!;
}

function killLater(t: ExecutionContext, pid: () => number | null | undefined) {
  t.teardown(() => {
    try {
      const each = pid();
      if (each) process.kill(each, 'SIGKILL');
    } catch {
      // already gone
    }
  });
}

/** A stand-in new master: writes what it inherited to `report`, then serves on fd 3. */
function standIn(report: string, dir: string): ReexecCommand {
  const script = `
    const { fstatSync, writeFileSync } = require('node:fs');
    const server = require('node:net').createServer((socket) => socket.end('new master ' + process.pid));
    server.listen({ fd: 3 }, () => writeFileSync(${JSON.stringify(report)}, JSON.stringify({
      from: process.env.CORRAL_UPGRADE_FROM, fds: process.env.CORRAL_FDS,
      addresses: JSON.parse(process.env.CORRAL_FD_ADDRESSES), socket: fstatSync(3).isSocket(),
      connected: process.connected, cwd: process.cwd(),
    })));
  `;
  return { file: process.execPath, args: ['-e', script], cwd: dir };
}

function read(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect({ port, host: '127.0.0.1' });
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

test.serial(
  'starts a new master with the sockets as fds 3, ..., the handoff variables and a channel; stopping the actor leaves it running',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-upgrade-spawn-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const report = join(dir, 'report.json');
    const listener = await boundSocket(t);
    const logic = spawnMasterLogic({
      command: standIn(report, dir),
      listeners: () => [listener],
      refusal: () => null,
    });
    const { actor, events } = runUpgrade(logic);
    await waitUntil(() => events().length > 0, 'upgrade.started');
    const [started] = events();
    t.is(started?.type, 'upgrade.started');
    const pid = started?.pid ?? null;
    killLater(t, () => pid);

    await waitUntil(() => existsSync(report), 'the new master to listen');
    const port = Number(new URL(listener.url).port);
    t.deepEqual(JSON.parse(readFileSync(report, 'utf8')), {
      from: String(process.pid),
      fds: '3',
      addresses: [{ bind: '127.0.0.1:0', url: listener.url }],
      socket: true,
      connected: true,
      cwd: dir,
    });
    t.is(await read(port), `new master ${pid}`, 'it accepts on the very socket this process bound');

    actor.stop();
    process.kill(pid!, 0);
    t.pass('the new master survives the actor being stopped (the old master halting)');
  },
);

test.serial('reports the new master exiting while this master runs', async (t) => {
  const listener = await boundSocket(t);
  const command = { file: process.execPath, args: ['-e', 'process.exit(7)'], cwd: process.cwd() };
  const { events } = runUpgrade(
    spawnMasterLogic({ command, listeners: () => [listener], refusal: () => null }),
  );
  await waitUntil(() => events().length === 2, 'upgrade.started and upgrade.exited');
  const [started, exited] = events();
  t.like(exited, { type: 'upgrade.exited', pid: started?.pid, code: 7, signal: null });
});

test('a command that cannot be started, a refusal, or no command are upgrade.exited with the reason', async (t) => {
  const cases: [Parameters<typeof spawnMasterLogic>[0], RegExp][] = [
    [
      {
        command: { file: '/nonexistent/node', args: [], cwd: '/' },
        listeners: () => [],
        refusal: () => null,
      },
      /could not start a new master: spawn \/nonexistent\/node ENOENT/,
    ],
    [
      {
        command: { file: process.execPath, args: [], cwd: '/' },
        listeners: () => [],
        refusal: () => 'refused: not yet',
      },
      /^refused: not yet$/,
    ],
    [
      { command: undefined, listeners: () => [], refusal: () => null },
      /no command line to re-execute was given/,
    ],
  ];
  for (const [options, error] of cases) {
    const { events } = runUpgrade(spawnMasterLogic(options));
    await waitUntil(() => events().length === 1, 'upgrade.exited');
    const [exited] = events();
    t.like(exited, { type: 'upgrade.exited', pid: null, code: null, signal: null });
    t.regex((exited as { error?: string }).error ?? '', error);
  }
});
