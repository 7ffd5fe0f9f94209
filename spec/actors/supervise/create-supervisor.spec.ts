// createSupervisor with real processes: process children are forked modules (fixtures under
// spec/fixtures/supervise-actors/, loading corral/child) and spawned commands (`sleep`), pools
// are corral's HTTP server on 127.0.0.1. Every test stops its tree and awaits `done`; teardown
// stops what a failed test left running and SIGKILLs any process still alive.
//
// Serial: the tests count this process's sockets and signal listeners, and the timeouts they
// provoke are better not raced against nine other trees on a small machine.
import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSupervisor,
  type Supervisor,
  type SupervisorOptions,
  type TreeEvent,
} from '../../../actors/supervise/create-supervisor.ts';
import type { SupervisorSpec } from '../../../actors/supervise/tree-spec.ts';
import { MASTER_SIGNALS } from '../../../actors/os-signals.ts';
import { BindError, SupervisorSpecError } from '../../../errors.ts';
import { waitUntil, within } from '../../helpers/wait.ts';

const FIXTURES = 'spec/fixtures/supervise-actors';
const RECORD = `${FIXTURES}/record-start.mjs`;
const NEVER_READY = `${FIXTURES}/never-ready.mjs`;
const BEAT_THEN_BLOCK = `${FIXTURES}/beat-then-block.mjs`;
/** Processes take a while to start and stop on a busy 2-core machine. */
const DEADLINE_MS = 30_000;
const SLEEP = { command: 'sleep', args: ['3600'], stdio: 'ignore' } as const;

type Event<T extends TreeEvent['type']> = Extract<TreeEvent, { type: T }>;

interface Watched {
  tree: Supervisor;
  events: TreeEvent[];
  completed: () => boolean;
  /** The first event of `type` at index `from` or later that matches, once there is one. */
  next<T extends TreeEvent['type']>(
    type: T,
    match?: (event: Event<T>) => boolean,
    from?: number,
  ): Promise<Event<T>>;
}

function find<T extends TreeEvent['type']>(
  events: TreeEvent[],
  type: T,
  match: (event: Event<T>) => boolean = () => true,
  from = 0,
): Event<T> | undefined {
  return events
    .slice(from)
    .find((event): event is Event<T> => event.type === type && match(event as Event<T>));
}

/** A tree whose events are recorded from the start, stopped and reaped in teardown. */
function supervise(
  t: ExecutionContext,
  spec: SupervisorSpec,
  options: SupervisorOptions = {},
): Watched {
  const tree = createSupervisor(spec, options);
  const events: TreeEvent[] = [];
  let completed = false;
  tree.events$.subscribe({
    next: (event) => events.push(event),
    complete: () => (completed = true),
  });
  t.teardown(async () => {
    if (tree.actor !== undefined && !completed) {
      tree.stop();
      await within(tree.done, 'the tree to stop in teardown', DEADLINE_MS).catch(() => undefined);
    }
    for (const child of tree.children) child.kill('SIGKILL');
  });
  return {
    tree,
    events,
    completed: () => completed,
    async next(type, match, from) {
      const what = `${type} in ${spec.id ?? 'root'}'s events`;
      await waitUntil(() => find(events, type, match, from) !== undefined, what, DEADLINE_MS);
      return find(events, type, match, from)!;
    },
  };
}

async function stopAndWait({ tree }: Watched) {
  tree.stop();
  return within(tree.done, 'the tree to stop', DEADLINE_MS);
}

/** Whether a process with this pid exists (our own children are reaped once they exit). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function scratchDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-supervisor-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** What record-start.mjs wrote for the process with this pid. */
function recordOf(dir: string, pid: number) {
  const text = readFileSync(join(dir, `${pid}.json`), 'utf8');
  return JSON.parse(text) as { pid: number; argv: string[]; path: string; extra: string | null };
}

/** Pids of the processes whose command line holds `marker`. */
function pgrep(marker: string): number[] {
  const result = spawnSync('pgrep', ['-f', marker], { encoding: 'utf8' });
  return result.stdout.split('\n').filter(Boolean).map(Number);
}

/** This process's open sockets, by inode. */
function openSockets(): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith('socket:') ? [target] : [];
    } catch {
      return []; // closed while we looked (the fd of readdir itself)
    }
  });
}

function listen(t: ExecutionContext, port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
    t.teardown(() => new Promise<void>((closed) => server.close(() => closed())));
  });
}

const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port;

/**
 * The signal that ended each process of the tree, by pid, seen on its ChildProcess from its
 * spawn on (a process missing from `children` at its spawn is never in the map).
 */
function followExits(watched: Watched): Map<number, NodeJS.Signals | null> {
  const signals = new Map<number, NodeJS.Signals | null>();
  watched.tree.events$.subscribe((event) => {
    if (event.type !== 'child.spawned') return;
    const child = [...watched.tree.children].find((candidate) => candidate.pid === event.pid);
    child?.once('exit', (_code, signal) => signals.set(event.pid, signal));
  });
  return signals;
}

test.serial(
  'a bad spec throws SupervisorSpecError synchronously, before any child starts',
  async (t) => {
    const out = scratchDir(t);
    const marker = `corral-spec-${randomUUID()}`;
    const writer = {
      id: 'writer',
      module: RECORD,
      args: [marker],
      env: { OUT_DIR: out },
      ready: 'ipc',
      stdio: 'ignore',
    } as const;
    const bad = { children: [writer, { id: 'tool', command: 'corral-spec-no-such-program' }] };
    const error = t.throws(() => createSupervisor(bad), { instanceOf: SupervisorSpecError });
    t.is(error?.code, 'ECORRAL_SUPERVISOR_SPEC');
    t.is(error?.exitCode, 2);
    t.regex(error?.message ?? '', /^children\[1\]\.command: no such program/);
    t.deepEqual(pgrep(marker), [], 'no process runs the writer');

    // The same writer in a good tree runs, pgrep sees it, and its record is the only one: had
    // the bad tree started it too, there would be two.
    const good = supervise(t, { children: [writer] });
    await good.tree.start();
    await within(good.tree.ready, 'the good tree to be ready', DEADLINE_MS);
    const { pid } = await good.next('child.ready', (e) => e.path === 'root/writer');
    t.deepEqual(pgrep(marker), [pid]);
    t.deepEqual(readdirSync(out), [`${pid}.json`]);
    t.deepEqual(recordOf(out, pid!).argv, [marker]);
    await stopAndWait(good);
    t.deepEqual(pgrep(marker), []);
  },
);

test.serial(
  'a pool that cannot bind rejects start() with a BindError and leaves nothing behind',
  async (t) => {
    const taken = portOf(await listen(t, 0));
    // A free port for the pool that binds first, so that it can be bound again afterwards.
    const probe = await listen(t, 0);
    const free = portOf(probe);
    await new Promise<void>((closed) => probe.close(() => closed()));
    const socketsBefore = openSockets();
    const watched = supervise(t, {
      children: [
        {
          id: 'first',
          http: { app: 'examples/hello.js', workers: 1, bind: [`127.0.0.1:${free}`] },
        },
        { id: 'tool', ...SLEEP },
        {
          id: 'jobs',
          children: [
            {
              id: 'second',
              http: { app: 'examples/hello.js', workers: 1, bind: [`127.0.0.1:${taken}`] },
            },
          ],
        },
      ],
    });
    const error = await t.throwsAsync(watched.tree.start(), { instanceOf: BindError });
    t.is(error?.code, 'ECORRAL_BIND');
    t.is(error?.address, `127.0.0.1:${taken}`);
    t.regex(error?.message ?? '', /address already in use/);
    t.is(watched.tree.actor, undefined, 'no supervisor was started');
    t.is(watched.tree.children.size, 0, 'no process was started');
    t.deepEqual(watched.events, []);
    // The first pool's socket was bound (bound only: a bind elsewhere succeeds even while it is
    // open), so what shows that it was closed again is this process's sockets.
    const leaked = () => openSockets().filter((socket) => !socketsBefore.includes(socket));
    await waitUntil(() => leaked().length === 0, 'the first pool to close its socket');
    t.deepEqual(leaked(), []);
    const again = await listen(t, free);
    t.is(portOf(again), free);
    t.like(await within(watched.tree.done, 'done after the failed start', DEADLINE_MS), {
      exitCode: 1,
    });
  },
);

test.serial('two trees run in one program at once and stop independently', async (t) => {
  const one = supervise(t, { children: [{ id: 'one', ...SLEEP }] });
  const two = supervise(t, { children: [{ id: 'two', ...SLEEP }] });
  await Promise.all([one.tree.start(), two.tree.start()]);
  await within(Promise.all([one.tree.ready, two.tree.ready]), 'both trees', DEADLINE_MS);
  const pidOne = (await one.next('child.spawned', (e) => e.path === 'root/one')).pid;
  const pidTwo = (await two.next('child.spawned', (e) => e.path === 'root/two')).pid;
  t.true(alive(pidOne) && alive(pidTwo));
  t.false(
    one.events.some((e) => 'path' in e && e.path === 'root/two'),
    "a tree sees only its own children's events",
  );

  t.deepEqual(await stopAndWait(one), { exitCode: 0, reason: 'stopped on request', chain: [] });
  t.true(one.completed());
  t.false(alive(pidOne));
  t.true(alive(pidTwo), "stopping one tree leaves the other's child alive");
  t.is(two.tree.actor?.getSnapshot().status, 'active');
  t.false(two.completed());
  t.is(find(two.events, 'supervisor.halted'), undefined);

  // The other tree still answers requests.
  const from = two.events.length;
  two.tree.restartChild('root/two');
  const restarted = await two.next('child.spawned', (e) => e.path === 'root/two', from);
  t.not(restarted.pid, pidTwo);
  t.false(alive(pidTwo));
  await stopAndWait(two);
  t.false(alive(restarted.pid));
});

test.serial(
  'events$ emits child.spawned, child.ready and supervisor.halted and completes; done resolves after stop()',
  async (t) => {
    const out = scratchDir(t);
    const watched = supervise(t, {
      children: [
        { id: 'worker', module: RECORD, ready: 'ipc', env: { OUT_DIR: out }, stdio: 'ignore' },
      ],
    });
    await watched.tree.start();
    await within(watched.tree.ready, 'the tree to be ready', DEADLINE_MS);
    t.false(watched.completed());
    const output = await stopAndWait(watched);
    t.deepEqual(output, { exitCode: 0, reason: 'stopped on request', chain: [] });
    t.true(watched.completed(), 'events$ completed once the tree was done');

    const { events } = watched;
    const at = (type: TreeEvent['type'], path: string) =>
      events.findIndex((e) => e.type === type && 'path' in e && e.path === path);
    const spawned = find(events, 'child.spawned', (e) => e.path === 'root/worker');
    const ready = find(events, 'child.ready', (e) => e.path === 'root/worker');
    t.true(spawned !== undefined && alive(spawned.pid) === false);
    t.is(ready?.pid, spawned?.pid);
    t.deepEqual(recordOf(out, spawned!.pid).path, 'root/worker');
    t.true(at('child.spawned', 'root/worker') < at('child.ready', 'root/worker'));
    t.true(at('child.ready', 'root/worker') < at('supervisor.ready', 'root'));
    t.deepEqual(events.at(-1), {
      type: 'supervisor.halted',
      path: 'root',
      exitCode: 0,
      reason: 'stopped on request',
      chain: [],
    });
    t.like(
      find(events, 'child.exited', (e) => e.path === 'root/worker'),
      {
        pid: spawned?.pid,
        normal: true,
        outcome: 'stopped',
      },
    );
    t.is(watched.tree.children.size, 0);

    // A late subscriber is told at once that the stream is over.
    let lateComplete = false;
    watched.tree.events$.subscribe({ complete: () => (lateComplete = true) });
    t.true(lateComplete);
  },
);

/** How many listeners each signal the tree could answer has in this process. */
const signalListeners = () =>
  Object.fromEntries(MASTER_SIGNALS.map(([signal]) => [signal, process.listenerCount(signal)]));

test.serial(
  'handleSignals defaults to false: a running tree with a pool adds no signal listener',
  async (t) => {
    const before = signalListeners();
    const watched = supervise(t, {
      children: [
        { id: 'web', http: { app: 'examples/hello.js', workers: 1, bind: ['127.0.0.1:0'] } },
        { id: 'tool', ...SLEEP },
      ],
    });
    await watched.tree.start();
    await within(watched.tree.ready, 'the tree to be ready', DEADLINE_MS);
    const [url] = watched.tree.urls('root/web');
    t.regex(url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(url!, { headers: { connection: 'close' } });
    t.regex(await response.text(), /^Hello from worker \d+/);
    t.deepEqual(signalListeners(), before);
    await stopAndWait(watched);
    t.deepEqual(signalListeners(), before);
  },
);

test.serial(
  'handleSignals: true listens to the signals while the tree runs, and stops listening when it is done',
  async (t) => {
    const before = signalListeners();
    const watched = supervise(t, { children: [{ id: 'tool', ...SLEEP }] }, { handleSignals: true });
    await watched.tree.start();
    await within(watched.tree.ready, 'the tree to be ready', DEADLINE_MS);
    t.is(process.listenerCount('SIGTERM'), before.SIGTERM! + 1);
    t.is(process.listenerCount('SIGHUP'), before.SIGHUP! + 1);
    await stopAndWait(watched);
    t.deepEqual(signalListeners(), before);
  },
);

test.serial(
  'stopChild, startChild, restartChild, removeChild and addChild by path change the real processes',
  async (t) => {
    const watched = supervise(t, {
      children: [
        {
          id: 'jobs',
          intensity: 5,
          children: [
            { id: 'a', ...SLEEP },
            { id: 'b', ...SLEEP },
          ],
        },
      ],
    });
    const { tree, events, next } = watched;
    await tree.start();
    await within(tree.ready, 'the tree to be ready', DEADLINE_MS);
    const spawnedAt = async (path: string, from: number) =>
      (await next('child.spawned', (e) => e.path === path, from)).pid;
    const exitedAt = (path: string, pid: number, from: number) =>
      next('child.exited', (e) => e.path === path && e.pid === pid, from);
    const jobs = () =>
      (
        tree.actor!.system.get('root/jobs') as {
          getSnapshot(): {
            context: { children: Record<string, { phase: string; wanted: boolean }> };
          };
        }
      ).getSnapshot().context.children;
    const a1 = await spawnedAt('root/jobs/a', 0);
    const b1 = await spawnedAt('root/jobs/b', 0);
    t.true(alive(a1) && alive(b1));

    let from = events.length;
    tree.stopChild('root/jobs/a');
    t.like(await exitedAt('root/jobs/a', a1, from), { outcome: 'stopped', normal: true });
    t.false(alive(a1));
    t.like(jobs().a, { phase: 'down', wanted: false }, 'it stays down');
    t.true(alive(b1));

    from = events.length;
    tree.startChild('root/jobs/a');
    const a2 = await spawnedAt('root/jobs/a', from);
    t.not(a2, a1);
    t.true(alive(a2));

    from = events.length;
    tree.restartChild('root/jobs/b');
    t.like(await exitedAt('root/jobs/b', b1, from), { outcome: 'stopped' });
    const b2 = await spawnedAt('root/jobs/b', from);
    t.not(b2, b1);
    t.false(alive(b1));
    t.true(alive(b2));
    t.true(alive(a2), 'restarting b (one_for_one) leaves a alone');
    t.is(
      find(events, 'child.exited', (e) => e.pid === a2),
      undefined,
    );

    from = events.length;
    tree.removeChild('root/jobs/b');
    await exitedAt('root/jobs/b', b2, from);
    t.false(alive(b2));
    await waitUntil(() => jobs().b === undefined, 'b to be forgotten', DEADLINE_MS);
    from = events.length;
    tree.startChild('root/jobs/b');
    t.like(await next('supervisor.refused', () => true, from), {
      path: 'root/jobs',
      reason: 'no child b',
    });

    from = events.length;
    tree.addChild('root/jobs', { id: 'c', ...SLEEP });
    const c1 = await spawnedAt('root/jobs/c', from);
    t.true(alive(c1));
    t.deepEqual(
      [...tree.children].map((child) => child.pid).sort(),
      [a2, c1].sort(),
      'the processes the tree runs',
    );
    t.true(alive(a2));

    await stopAndWait(watched);
    t.false(alive(a2));
    t.false(alive(c1));
    t.is(tree.children.size, 0);
  },
);

test.serial(
  'a simple_one_for_one supervisor starts each added child from its module template with its own args and env',
  async (t) => {
    const out = scratchDir(t);
    const watched = supervise(t, {
      children: [
        {
          id: 'dynamic',
          strategy: 'simple_one_for_one',
          template: {
            id: 'ignored',
            module: RECORD,
            args: ['from-template'],
            env: { OUT_DIR: out },
            ready: 'ipc',
            stdio: 'ignore',
          },
        },
      ],
    });
    const { tree, events, next } = watched;
    await tree.start();
    await within(tree.ready, 'the tree to be ready', DEADLINE_MS);
    t.is(find(events, 'child.spawned'), undefined, 'no child before addChild');
    t.deepEqual(readdirSync(out), []);

    tree.addChild('root/dynamic', { id: 'one', args: ['--queue', 'one'] });
    tree.addChild('root/dynamic', {
      id: 'two',
      args: ['--queue', 'two'],
      env: { SPEC_EXTRA: '2' },
    });
    tree.addChild('root/dynamic', { id: 'three' });
    // ready: 'ipc' and the fixture writes its record before it says it is ready.
    const readyPid = async (id: string, from = 0) =>
      (await next('child.ready', (e) => e.path === `root/dynamic/${id}`, from)).pid!;
    const one = await readyPid('one');
    const two = await readyPid('two');
    const three = await readyPid('three');
    t.deepEqual(recordOf(out, one), {
      pid: one,
      argv: ['--queue', 'one'],
      path: 'root/dynamic/one',
      extra: null,
    });
    t.deepEqual(recordOf(out, two), {
      pid: two,
      argv: ['--queue', 'two'],
      path: 'root/dynamic/two',
      extra: '2',
    });
    t.deepEqual(recordOf(out, three), {
      pid: three,
      argv: ['from-template'],
      path: 'root/dynamic/three',
      extra: null,
    });

    // A restart runs the child's own args again.
    const from = events.length;
    tree.restartChild('root/dynamic/one');
    const again = await readyPid('one', from);
    t.not(again, one);
    t.false(alive(one));
    t.deepEqual(recordOf(out, again).argv, ['--queue', 'one']);

    // A taken id is refused, and what runs under it does not change.
    tree.addChild('root/dynamic', { id: 'one', args: ['--queue', 'other'] });
    await next('supervisor.refused', (e) => /one already exists/.test(e.reason));
    const afterRefusal = events.length;
    tree.restartChild('root/dynamic/one');
    const third = await readyPid('one', afterRefusal);
    t.deepEqual(recordOf(out, third).argv, ['--queue', 'one']);
    t.throws(() => tree.addChild('root/dynamic', { id: 'a/b' }), {
      instanceOf: SupervisorSpecError,
    });

    await stopAndWait(watched);
    for (const pid of [third, two, three]) t.false(alive(pid));
  },
);

test.serial(
  "a child with ready: 'ipc' that never calls ready() is killed at readyTimeoutMs and restarted",
  async (t) => {
    const watched = supervise(t, {
      intensity: 10,
      periodMs: 60_000,
      children: [
        {
          id: 'slow',
          module: NEVER_READY,
          ready: 'ipc',
          readyTimeoutMs: 1_000,
          stdio: 'ignore',
        },
      ],
    });
    const exits = followExits(watched);
    const { tree, next } = watched;
    await tree.start();
    const first = (await next('child.spawned', (e) => e.path === 'root/slow')).pid;
    const timeout = await next('child.timeout', (e) => e.pid === first);
    t.deepEqual(timeout, {
      type: 'child.timeout',
      path: 'root/slow',
      pid: first,
      phase: 'boot',
      silentMs: 1_000,
    });
    t.like(await next('child.exited', (e) => e.pid === first), {
      path: 'root/slow',
      normal: false,
      outcome: 'restart',
    });
    const second = (await next('child.spawned', (e) => e.path === 'root/slow' && e.pid !== first))
      .pid;
    await waitUntil(() => exits.has(first), 'the first process to exit', DEADLINE_MS);
    t.is(exits.get(first), 'SIGKILL');
    t.false(alive(first));
    t.is(find(watched.events, 'child.ready'), undefined, 'it never was ready');
    await stopAndWait(watched);
    t.false(alive(second));
  },
);

test.serial(
  'a child whose heartbeats stop (its event loop blocked) is killed with SIGKILL and restarted',
  async (t) => {
    const dir = scratchDir(t);
    const { watched, heartbeats } = superviseBeating(t, join(dir, 'blocked-once'), 1_500);
    const exits = followExits(watched);
    const { tree, next } = watched;
    let beatsBeforeTimeout = -1;
    tree.events$.subscribe((event) => {
      if (event.type === 'child.timeout') beatsBeforeTimeout = heartbeats();
    });
    await tree.start();
    await within(tree.ready, 'the tree to be ready', DEADLINE_MS);
    const first = (await next('child.ready', (e) => e.path === 'root/beating')).pid!;
    const timeout = await next('child.timeout', (e) => e.path === 'root/beating');
    t.deepEqual(timeout, {
      type: 'child.timeout',
      path: 'root/beating',
      pid: first,
      phase: 'heartbeat',
      silentMs: 1_500,
    });
    t.true(beatsBeforeTimeout > 0, 'it was beating before its loop was blocked');
    t.like(await next('child.exited', (e) => e.pid === first), {
      normal: false,
      outcome: 'restart',
    });
    await waitUntil(() => exits.has(first), 'the first process to exit', DEADLINE_MS);
    t.is(exits.get(first), 'SIGKILL');
    t.false(alive(first));
    // The next instance keeps beating (the fixture blocks only once) and is ready.
    const second = (await next('child.ready', (e) => e.path === 'root/beating' && e.pid !== first))
      .pid!;
    t.true(alive(second));
    await stopAndWait(watched);
    t.false(alive(second));
  },
);

test.serial(
  "a tree whose own event loop stalls past a child's timeout kills no healthy child for it",
  async (t) => {
    const dir = scratchDir(t);
    const onceFile = join(dir, 'blocked-once');
    // Taken already: every instance of the fixture just beats.
    writeFileSync(onceFile, '');
    const { watched, heartbeats } = superviseBeating(t, onceFile, 1_000);
    const { tree, next } = watched;
    await tree.start();
    await within(tree.ready, 'the tree to be ready', DEADLINE_MS);
    const pid = (await next('child.ready', (e) => e.path === 'root/beating')).pid!;
    // The tree's process stands still for three timeouts, as under SIGSTOP or a long stall:
    // the child's beats pile up unread and its timeout timer expires meanwhile.
    const until = Date.now() + 3_000;
    while (Date.now() < until);
    // Timers that expired fire before the pipes are read: once beats arrive again, the tree has
    // already decided about the silence, and the beats that come after prove the child healthy.
    const before = heartbeats();
    await waitUntil(() => heartbeats() > before + 10, 'beats read after the stall', DEADLINE_MS);
    t.is(find(watched.events, 'child.timeout'), undefined, 'no timeout for the tree’s own stall');
    t.true(alive(pid), 'the child still runs');
    await stopAndWait(watched);
    t.false(alive(pid));
  },
);

/** One child that beats from its loop (BEAT_THEN_BLOCK), and a count of the beats the tree read. */
function superviseBeating(t: ExecutionContext, onceFile: string, heartbeatTimeoutMs: number) {
  let heartbeats = 0;
  const watched = supervise(
    t,
    {
      intensity: 10,
      periodMs: 60_000,
      children: [
        {
          id: 'beating',
          module: BEAT_THEN_BLOCK,
          ready: 'ipc',
          heartbeatTimeoutMs,
          env: { ONCE_FILE: onceFile },
          stdio: 'ignore',
        },
      ],
    },
    {
      inspect: (event) => {
        if (event.type === '@xstate.event' && event.event.type === 'ipc.heartbeat') heartbeats += 1;
      },
    },
  );
  return { watched, heartbeats: () => heartbeats };
}
