/**
 * A supervision tree from createSupervisor run as a real program (spec/fixtures/supervise/):
 * real forked modules and spawned commands, an HTTP pool on 127.0.0.1, real signals. The
 * programs print their log, `EVENT {json}` per tree event and a few markers on stdout (see
 * run-tree.ts), which is what these specs read.
 */
import test, { type ExecutionContext } from 'ava';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { TreeEvent } from '../../actors/supervise/create-supervisor.ts';
import {
  eventually,
  get,
  isAlive,
  killQuietly,
  startCorral,
  type CorralProcess,
} from './corral-process.ts';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/supervise/${name}`, import.meta.url));

interface TreeProgram extends CorralProcess {
  /** What the program wrote to stdout so far: its own lines, in the order it wrote them. */
  stdout(): string;
  events(): TreeEvent[];
  /** Pids a child (by path) or a pool's workers (by pool path) were started with, in order. */
  pids(path: string): number[];
  /** Every pid the tree announced: generic children and pool workers. */
  allPids(): number[];
}

function startTree(t: ExecutionContext, name: string): TreeProgram {
  const program = startCorral(t, [fixture(name)], {
    command: [process.execPath, '--import', 'tsx'],
  });
  let stdout = '';
  program.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  // Whole lines only: the last one may still be on its way.
  const events = () =>
    [...stdout.matchAll(/^EVENT (.*)\n/gm)].map((match) => JSON.parse(match[1]!) as TreeEvent);
  const pids = (path: string) =>
    events().flatMap((event) => {
      if (event.type === 'child.spawned' && event.path === path) return [event.pid];
      if (event.type === 'worker.spawned' && event.pool === path) return [event.pid];
      return [];
    });
  const allPids = () =>
    events().flatMap((event) =>
      event.type === 'child.spawned' || event.type === 'worker.spawned' ? [event.pid] : [],
    );
  // startCorral kills the program and lines it knows (pool workers); a `sleep` child would
  // outlive a SIGKILLed program, so every announced pid is killed too.
  t.teardown(() => allPids().forEach(killQuietly));
  return { ...program, stdout: () => stdout, events, pids, allPids };
}

/** The two-level tree, once ready, with its port and the first pids of jobs' two children. */
async function startTwoLevel(t: ExecutionContext) {
  const tree = startTree(t, 'two-level-tree.ts');
  const port = await tree.port();
  await tree.waitFor(/^READY$/m);
  const [a] = tree.pids('root/jobs/a');
  const [b] = tree.pids('root/jobs/b');
  return { tree, port, a, b };
}

/** The index of the first event of `type` about `path`; throws when there is none. */
function indexOf(events: TreeEvent[], type: TreeEvent['type'], path: string): number {
  const at = events.findIndex(
    (event) =>
      event.type === type &&
      (('path' in event && event.path === path) || ('pool' in event && event.pool === path)),
  );
  if (at === -1) throw new Error(`no ${type} event for ${path}`);
  return at;
}

/** Asserts that each text appears in `log`, each after the one before it. */
function assertInOrder(t: ExecutionContext, log: string, texts: string[]): void {
  let from = 0;
  for (const text of texts) {
    const at = log.indexOf(text, from);
    t.not(at, -1, `"${text}" appears after "${texts[texts.indexOf(text) - 1] ?? 'the start'}"`);
    if (at !== -1) from = at + text.length;
  }
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

async function stop(tree: TreeProgram): Promise<number | null> {
  tree.signal('SIGTERM');
  return (await tree.exited).code;
}

test.serial('the tree starts: the pool serves HTTP and both generic children run', async (t) => {
  const tree = startTree(t, 'two-level-tree.ts');
  const port = await tree.port();
  await tree.waitFor(/^READY$/m);
  const workers = tree.pids('root/web');
  t.is(workers.length, 2);
  const { status, body } = await get(port);
  t.is(status, 200);
  const answered = body.match(/^Hello from worker (\d+)/);
  t.truthy(answered, body);
  t.true(workers.includes(Number(answered?.[1])), 'one of the pool workers answered');

  const [a] = tree.pids('root/jobs/a');
  const [b] = tree.pids('root/jobs/b');
  t.true(isAlive(a!) && isAlive(b!), 'both generic children are running');
  // The module child knew its path (CORRAL_CHILD) and called ready() itself.
  t.regex(tree.stdout(), new RegExp(`^CHILD root/jobs/a pid ${a} calling ready\\(\\)$`, 'm'));
  t.is(await stop(tree), 0);
});

test.serial('children start in spec order, each once the one before it is ready', async (t) => {
  const tree = startTree(t, 'two-level-tree.ts');
  await tree.waitFor(/^READY$/m);
  const events = tree.events();
  const at = (type: TreeEvent['type'], path: string) => indexOf(events, type, path);
  t.true(at('child.spawned', 'root/jobs/a') < at('child.spawned', 'root/jobs/b'));
  t.true(
    at('child.ready', 'root/jobs/a') < at('child.started', 'root/jobs/b'),
    'b starts only once a has called ready()',
  );
  t.true(
    at('child.ready', 'root/jobs') < at('child.started', 'root/web'),
    'the pool starts only once the supervisor before it is ready',
  );
  t.true(at('child.started', 'root/web') < at('worker.spawned', 'root/web'));
  t.true(at('child.ready', 'root/web') < at('supervisor.ready', 'root'));
  assertInOrder(t, tree.stdout(), [
    'Started child root/jobs/a with pid',
    'CHILD root/jobs/a pid', // the module itself, just before its ready()
    'Child root/jobs/a (pid:',
    'Started child root/jobs/b with pid',
    'Supervisor root/jobs ready: 2 children running',
    'Starting pool root/web',
    '[root/web] Booting worker',
    '[root/web] Ready: 2 workers serving',
    'Supervisor root ready: 2 children running',
  ]);
  t.is(await stop(tree), 0);
});

test.serial(
  'a generic child SIGKILLed from outside: one_for_all restarts both, the pool is untouched',
  async (t) => {
    const { tree, port, a, b } = await startTwoLevel(t);
    const workers = tree.pids('root/web');

    process.kill(b!, 'SIGKILL');
    const readyCount = (path: string) =>
      tree.events().filter((event) => event.type === 'child.ready' && event.path === path).length;
    await eventually(
      () => readyCount('root/jobs/a') === 2 && readyCount('root/jobs/b') === 2,
      'both children of jobs are ready again',
    );
    const [, a2] = tree.pids('root/jobs/a');
    const [, b2] = tree.pids('root/jobs/b');
    t.true(a2 !== a && b2 !== b, 'the killed child and its sibling have new pids');
    t.true(isAlive(a2!) && isAlive(b2!));
    await eventually(() => !isAlive(a!), 'the old sibling has exited');
    assertInOrder(t, tree.stdout(), [
      `Child root/jobs/b (pid:${b}) was sent SIGKILL by someone other than corral`,
      'Supervisor root/jobs restarts root/jobs/b, root/jobs/a (one_for_all)',
      `Child root/jobs/a (pid:${a}) stopped (signal SIGTERM)`,
      `Started child root/jobs/a with pid: ${a2}`,
      `Started child root/jobs/b with pid: ${b2}`,
    ]);

    const startsOfJobs = tree
      .events()
      .filter((event) => event.type === 'child.started' && event.path === 'root/jobs');
    t.is(startsOfJobs.length, 1, 'jobs handled it: the root did not restart jobs');
    t.deepEqual(tree.pids('root/web'), workers, 'no pool worker was started again');
    t.true(workers.every(isAlive));
    const { body } = await get(port);
    t.true(workers.includes(Number(body.match(/worker (\d+)/)?.[1])), 'the same workers serve');
    t.is(await stop(tree), 0);
  },
);

test.serial(
  'SIGTERM stops everything in reverse order, exits 0 and leaves nothing behind',
  async (t) => {
    const { tree, port, a, b } = await startTwoLevel(t);

    t.is(await stop(tree), 0);
    assertInOrder(t, tree.stdout(), [
      'Supervisor root stopping its children gracefully',
      '[root/web] Shutting down: Master',
      'Child root/web stopped',
      `Child root/jobs/b (pid:${b}) stopped (signal SIGTERM)`,
      `Child root/jobs/a (pid:${a}) stopped (signal SIGTERM)`,
      'Supervisor root/jobs stopped',
      'Supervisor root stopped',
      'DONE 0',
    ]);
    const pids = tree.allPids();
    t.is(pids.length, 4, 'two generic children and two pool workers were started');
    await eventually(() => pids.every((pid) => !isAlive(pid)), 'every child process is gone');
    t.true(await refusesConnections(port), 'the socket is closed');
  },
);

test.serial(
  'a child failing again and again: jobs gives up, then the root does, exit 1 with the chain',
  async (t) => {
    const tree = startTree(t, 'escalating-tree.ts');
    t.is((await tree.exited).code, 1);
    const stdout = tree.stdout();
    const reasons = [
      'root gave up: more than 1 restart within 60 s',
      'root/jobs gave up: more than 1 restart within 60 s',
      'root/jobs/flaky exited with code 1',
    ];
    // The program's last log lines: the root's halt with its reasons, root first.
    const logLines = stdout
      .split('\n')
      .filter((line) => line.includes(`[${tree.child.pid}] [`))
      .map((line) => line.replace(/^\[[^\]]*\] \[\d+\] \[\w+\] /, ''));
    t.deepEqual(logLines.slice(-4), [
      'Supervisor root stopped (exit 1)',
      `Reason: ${reasons[0]}`,
      `  because: ${reasons[1]}`,
      `  because: ${reasons[2]}`,
    ]);
    t.deepEqual(
      [...stdout.matchAll(/^CHAIN (.*)$/gm)].map((match) => match[1]),
      reasons,
      "tree.done's chain",
    );
    const gaveUp = tree.events().filter((event) => event.type === 'supervisor.gave-up');
    t.deepEqual(
      gaveUp.map((event) => 'path' in event && event.path),
      ['root/jobs', 'root/jobs', 'root'],
      'jobs gave up twice (started again once by the root), then the root',
    );
    t.regex(stdout, /\[root\/web\] Shutting down: Master/, 'the pool was stopped too');
    const pids = tree.allPids();
    await eventually(() => pids.every((pid) => !isAlive(pid)), 'no child process is left');
  },
);

test.serial('a child that ignores SIGTERM is SIGKILLed after its shutdown time', async (t) => {
  const tree = startTree(t, 'stubborn-tree.ts');
  await tree.waitFor(/^READY$/m);
  const [steady] = tree.pids('root/steady');
  const [stubborn] = tree.pids('root/stubborn');

  t.is(await stop(tree), 0);
  assertInOrder(t, tree.stdout(), [
    'CHILD root/stubborn ignoring SIGTERM',
    `Child root/stubborn (pid:${stubborn}) stopped (signal SIGKILL)`,
    `Child root/steady (pid:${steady}) stopped (signal SIGTERM)`,
    'Supervisor root stopped',
  ]);
  await eventually(() => !isAlive(steady!) && !isAlive(stubborn!), 'both children are gone');
});
