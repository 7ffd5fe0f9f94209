import test, { type ExecutionContext } from 'ava';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { app, eventually, get, isAlive, startCorral } from './corral-process.ts';

function appCopy(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-reload-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'app.mjs');
  copyFileSync(app('pid-app.mjs'), path);
  return path;
}

test.serial(
  'HUP replaces every worker with a new generation, each old one retiring after a new one is ready',
  async (t) => {
    const corral = startCorral(t, [app('pid-app.mjs'), '-w', '2', '-b', '127.0.0.1:0']);
    const port = await corral.port();
    await corral.waitFor(/Ready: 2 workers serving/);
    const old = corral.workerPids();
    corral.signal('SIGHUP');
    await corral.waitFor(/Reload done: generation 2 serving with 2 workers/);
    const fresh = corral.workerPids().filter((pid) => !old.includes(pid));
    t.is(fresh.length, 2);
    await eventually(() => old.every((pid) => !isAlive(pid)), 'the old workers have exited');
    const { body } = await get(port);
    t.true(fresh.includes(Number(body)), 'a new worker answers');
    const log = corral.output();
    for (const pid of old) {
      const exited = log.indexOf(`(pid:${pid}) exited`);
      const firstReady = log.search(new RegExp(`Worker \\d+ \\(pid:(${fresh.join('|')})\\) ready`));
      t.true(
        firstReady !== -1 && firstReady < exited,
        'no old worker retired before a new one was ready',
      );
    }
    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
  },
);

test.serial(
  'a reload whose new code fails to boot is abandoned and the old workers keep serving',
  async (t) => {
    const path = appCopy(t);
    const corral = startCorral(t, [path, '-w', '2', '-b', '127.0.0.1:0']);
    const port = await corral.port();
    await corral.waitFor(/Ready: 2 workers serving/);
    const old = corral.workerPids();
    writeFileSync(path, 'export default function (req, res) { res.end( }\n');
    corral.signal('SIGHUP');
    await corral.waitFor(
      /Reload abandoned \(generation 2\); the running workers keep serving: .*SyntaxError/,
    );
    t.true(old.every(isAlive));
    t.true(old.includes(Number((await get(port)).body)));

    copyFileSync(app('pid-app.mjs'), path);
    corral.signal('SIGHUP');
    await corral.waitFor(/Reload done: generation 3/);
    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
  },
);

test.serial('a TTIN count survives a reload', async (t) => {
  const corral = startCorral(t, [app('pid-app.mjs'), '-w', '1', '-b', '127.0.0.1:0']);
  await corral.waitFor(/Ready: 1 worker serving/);
  corral.signal('SIGTTIN');
  await corral.waitFor(/Worker 2 \(pid:\d+\) ready/);
  corral.signal('SIGHUP');
  await corral.waitFor(/Reload done: generation 2 serving with 2 workers/);
  t.pass();
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});

test.serial('WINCH stops the workers but not the master, and HUP brings them back', async (t) => {
  const corral = startCorral(t, [app('pid-app.mjs'), '-w', '2', '-b', '127.0.0.1:0']);
  const port = await corral.port();
  await corral.waitFor(/Ready: 2 workers serving/);
  const old = corral.workerPids();
  corral.signal('SIGWINCH');
  await corral.waitFor(/All workers stopped \(WINCH\)/);
  await eventually(() => old.every((pid) => !isAlive(pid)), 'the workers have exited');
  t.true(isAlive(corral.child.pid!));
  corral.signal('SIGHUP');
  await corral.waitFor(/Reload done: generation 2 serving with 2 workers/);
  t.is((await get(port)).status, 200);
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});

test.serial(
  'a crash loop backs off and then ends the master with exit 1 and a clear reason',
  async (t) => {
    const corral = startCorral(t, [
      app('crash-after-ready.mjs'),
      '-b',
      '127.0.0.1:0',
      '--restart-intensity',
      '1',
      '--restart-period',
      '60',
      '--restart-backoff-max',
      '2',
    ]);
    const { code } = await corral.exited;
    t.is(code, 1);
    t.regex(corral.output(), /next restart in \d/);
    t.regex(corral.output(), /Reason: .*crash loop/);
  },
);
