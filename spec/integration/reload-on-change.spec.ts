import test, { type ExecutionContext } from 'ava';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  app,
  eventually,
  get,
  isAlive,
  startCorral,
  type CorralProcess,
} from './corral-process.ts';

function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-watch-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A copy of spec/fixtures/integration/reload-app that the spec may edit. */
function appCopy(t: ExecutionContext): string {
  const dir = tempDir(t);
  cpSync(app('reload-app'), dir, { recursive: true });
  return dir;
}

const writeMessage = (dir: string, source: string) =>
  writeFileSync(join(dir, 'lib', 'message.mjs'), source);

async function answer(port: number): Promise<{ text: string; pid: number }> {
  const { body } = await get(port);
  const words = body.split(' ');
  return { text: words.slice(0, -1).join(' '), pid: Number(words.at(-1)) };
}

/** Log lines written from now on: an edit may take one reload or two (a torn write). */
function logFromNow(corral: CorralProcess): () => string {
  const mark = corral.output().length;
  return () => corral.output().slice(mark);
}

async function startWatching(t: ExecutionContext, args: string[], env?: NodeJS.ProcessEnv) {
  const corral = startCorral(t, [...args, '-b', '127.0.0.1:0'], { env });
  const port = await corral.port();
  await corral.waitFor(/Ready: 2 workers serving/);
  return { corral, port };
}

test.serial(
  'an edit to a module under the app directory replaces every worker with one that serves it',
  async (t) => {
    const dir = appCopy(t);
    const { corral, port } = await startWatching(t, [join(dir, 'app.mjs'), '-w', '2', '--reload']);
    t.regex(corral.output(), /Reload: watching .*corral-watch-\w+ \(2 directories\)/);
    const old = corral.workerPids();
    t.like(await answer(port), { text: 'hello v1' });

    writeMessage(dir, "export const message = 'v2';\n");
    await corral.waitFor(/Reload: lib\/message\.mjs changed/);
    await eventually(async () => (await answer(port)).text === 'hello v2', 'v2 is served');
    await eventually(() => old.every((pid) => !isAlive(pid)), 'the old workers have exited');
    const { pid } = await answer(port);
    t.false(old.includes(pid), 'a new worker answers');
    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
  },
);

test.serial(
  'an edit that does not load is logged and the old workers serve until it is fixed',
  async (t) => {
    const dir = appCopy(t);
    const { corral, port } = await startWatching(t, [join(dir, 'app.mjs'), '-w', '2', '--reload']);
    const old = corral.workerPids();

    writeMessage(dir, 'export const message = (;\n');
    await corral.waitFor(/Reload abandoned \(generation \d+\); .*SyntaxError/);
    t.true(old.every(isAlive), 'the old workers still run');
    const during = await answer(port);
    t.is(during.text, 'hello v1');
    t.true(old.includes(during.pid));

    const log = logFromNow(corral);
    writeMessage(dir, "export const message = 'v3';\n");
    await eventually(() => /Reload done: generation \d+ serving/.test(log()), 'a reload is done');
    await eventually(async () => (await answer(port)).text === 'hello v3', 'the fix is served');
    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
  },
);

test.serial('an edit to a --reload-extra-file outside the app directory reloads', async (t) => {
  const dir = appCopy(t);
  const greeting = join(tempDir(t), 'greeting.txt');
  writeFileSync(greeting, 'hello');
  const { corral, port } = await startWatching(
    t,
    [join(dir, 'app.mjs'), '-w', '2', '--reload', '--reload-extra-file', greeting],
    { GREETING_FILE: greeting },
  );
  t.like(await answer(port), { text: 'hello v1' });

  writeFileSync(greeting, 'bonjour');
  await corral.waitFor(/Reload: \/.*\/greeting\.txt changed/);
  await eventually(async () => (await answer(port)).text === 'bonjour v1', 'the greeting is new');
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});

test.serial(
  'without --reload an edit changes nothing, and --reload ignores node_modules, dot-directories and non-code files',
  async (t) => {
    const dir = appCopy(t);
    const entry = join(dir, 'app.mjs');
    const watching = await startWatching(t, [entry, '-w', '2', '--reload']);
    const still = await startWatching(t, [entry, '-w', '2']);
    const stillPids = still.corral.workerPids();
    t.notRegex(still.corral.output(), /Reload: watching/);

    // Written before the edit, so their events reach the watcher first and would show up in
    // (or before) the reload line if they counted.
    mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'dep', 'index.js'), 'export {};\n');
    mkdirSync(join(dir, '.cache'));
    writeFileSync(join(dir, '.cache', 'build.js'), 'export {};\n');
    writeFileSync(join(dir, 'requests.log'), 'GET /\n');
    writeMessage(dir, "export const message = 'v2';\n");

    await eventually(
      async () => (await answer(watching.port)).text === 'hello v2',
      'the watching server serves the edit',
    );
    const reasons = watching.corral.output().match(/Reload: .* changed/g) ?? [];
    t.true(reasons.length > 0);
    t.deepEqual(new Set(reasons), new Set(['Reload: lib/message.mjs changed']));

    t.like(await answer(still.port), { text: 'hello v1' });
    t.deepEqual(still.corral.workerPids(), stillPids);
    t.true(stillPids.every(isAlive));
    t.notRegex(still.corral.output(), /Reload/);
    for (const { corral } of [watching, still]) corral.signal('SIGTERM');
    t.is((await watching.corral.exited).code, 0);
    t.is((await still.corral.exited).code, 0);
  },
);

test.serial('--check-config with --reload checks and exits without watching', async (t) => {
  const dir = appCopy(t);
  const corral = startCorral(t, [join(dir, 'app.mjs'), '--reload', '--check-config']);
  t.is((await corral.exited).code, 0);
  t.notRegex(corral.output(), /Reload: watching/);
});
