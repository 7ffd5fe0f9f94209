import test from 'ava';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { watchPromotion, type PromotionHost } from '../../../actors/upgrade/promotion.ts';
import { waitUntil, within } from '../../helpers/wait.ts';

/** A process as the watch sees it: a parent pid and, maybe, a channel that can disconnect. */
class FakeHost extends EventEmitter implements PromotionHost {
  ppid: number;
  connected: boolean;
  constructor(ppid: number, connected: boolean) {
    super();
    this.ppid = ppid;
    this.connected = connected;
  }
  /** The old master exits: the kernel reparents us, and its end of the channel closes. */
  orphan(): void {
    this.ppid = 1;
    if (this.connected) {
      this.connected = false;
      this.emit('disconnect');
    }
  }
}

function watch(host: FakeHost, from = 100) {
  const promotions: number[] = [];
  const stop = watchPromotion({
    from,
    onPromoted: () => promotions.push(host.ppid),
    host,
    pollMs: 10,
  });
  return { promotions, stop };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('with a channel, the old master exiting promotes at once and only once', async (t) => {
  const host = new FakeHost(100, true);
  const { promotions } = watch(host);
  await tick();
  t.deepEqual(promotions, [], 'the old master still runs');
  host.orphan();
  t.deepEqual(promotions, [1], 'promoted on disconnect, without waiting for a poll');
  host.emit('disconnect');
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.deepEqual(promotions, [1]);
  t.is(host.listenerCount('disconnect'), 0);
});

test('a disconnect while the old master is still the parent does not promote; the ppid decides', async (t) => {
  const host = new FakeHost(100, true);
  const { promotions } = watch(host);
  host.connected = false;
  host.emit('disconnect');
  await tick();
  t.deepEqual(promotions, []);
  host.ppid = 1;
  await waitUntil(() => promotions.length === 1, 'the poll notices the new parent');
  t.pass();
});

test('without a channel, the parent pid is polled', async (t) => {
  const host = new FakeHost(100, false);
  const { promotions } = watch(host);
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.deepEqual(promotions, []);
  host.orphan();
  await waitUntil(() => promotions.length === 1, 'the poll notices the new parent');
  t.pass();
});

test('an old master already gone promotes, after watchPromotion has returned', async (t) => {
  const host = new FakeHost(1, true);
  const { promotions } = watch(host);
  t.deepEqual(promotions, [], 'not from inside the call');
  await tick();
  t.deepEqual(promotions, [1]);
});

test('a stopped watch never promotes', async (t) => {
  const host = new FakeHost(100, true);
  const { promotions, stop } = watch(host);
  stop();
  host.orphan();
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.deepEqual(promotions, []);
  t.is(host.listenerCount('disconnect'), 0);
});

test.serial(
  'a real new master is promoted when its old master is killed with SIGKILL',
  async (t) => {
    const watcher = new URL('../../../actors/upgrade/promotion.ts', import.meta.url).href;
    const newMaster = `
    const { watchPromotion } = await import(${JSON.stringify(watcher)});
    const from = Number(process.env.FROM);
    const keep = setInterval(() => undefined, 1000);
    watchPromotion({ from, onPromoted: () => { console.log('promoted, was ' + from); clearInterval(keep); } });
    console.log('watching');
  `;
    // The "old master" starts the new one with an IPC channel, as the upgrade actor does.
    const oldMaster = `
    const { spawn } = require('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', ${JSON.stringify(newMaster)}],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, FROM: String(process.pid) } });
    child.on('spawn', () => console.log('new master ' + child.pid));
  `;
    const old = spawn(process.execPath, ['-e', oldMaster], {
      cwd: fileURLToPath(new URL('../../../', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    old.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    t.teardown(() => {
      const pid = /new master (\d+)/.exec(output)?.[1];
      for (const each of [old.pid, pid === undefined ? undefined : Number(pid)]) {
        try {
          if (each !== undefined) process.kill(each, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });
    await waitUntil(() => /watching/.test(output), 'the new master to watch its old master');
    t.false(/promoted/.test(output));
    old.kill('SIGKILL');
    await within(
      new Promise<void>((resolve) => old.stdout.on('close', resolve)),
      'the new master to be promoted and exit',
    );
    t.regex(output, new RegExp(`promoted, was ${old.pid}`));
  },
);
