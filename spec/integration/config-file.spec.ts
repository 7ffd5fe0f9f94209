import test, { type ExecutionContext } from 'ava';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { app, childPids, eventually, get, startCorral } from './corral-process.ts';

/** A directory with the pid app in it, where a corral.config.* can be written. */
function site(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-site-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(app('pid-app.mjs'), join(dir, 'app.mjs'));
  return dir;
}

test('a config file in the working directory sets the app, workers and bind', async (t) => {
  const dir = site(t);
  writeFileSync(
    join(dir, 'corral.config.mjs'),
    "export default { app: 'app.mjs', workers: 2, bind: ['127.0.0.1:0'] };\n",
  );
  const corral = startCorral(t, [], { cwd: dir });
  const port = await corral.port();
  await corral.waitFor(/Ready: 2 workers serving/);
  t.true(corral.workerPids().includes(Number((await get(port)).body)));
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});

test('HUP reads the config file again', async (t) => {
  const dir = site(t);
  const config = join(dir, 'corral.config.mjs');
  writeFileSync(config, "export default { app: 'app.mjs', workers: 1, bind: '127.0.0.1:0' };\n");
  const corral = startCorral(t, [], { cwd: dir });
  await corral.port();
  await corral.waitFor(/Ready: 1 worker serving/);
  writeFileSync(config, "export default { app: 'app.mjs', workers: 3, bind: '127.0.0.1:0' };\n");
  corral.signal('SIGHUP');
  await corral.waitFor(/Reload done: generation 2 serving with 3 workers/);
  await eventually(
    async () => (await childPids(corral.child.pid!)).length === 3,
    'three workers after the reload',
  );
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});

test('a bad config file: every problem named, exit 2, nothing left behind', async (t) => {
  const dir = site(t);
  const sock = join(dir, 'corral.sock');
  const pidfile = join(dir, 'corral.pid');
  writeFileSync(
    join(dir, 'corral.config.json'),
    JSON.stringify({ bind: `unix:${sock}`, pid: pidfile, workrs: 2, keepAlive: 'long' }),
  );
  const corral = startCorral(t, ['app.mjs'], { cwd: dir });
  const { code } = await corral.exited;
  t.is(code, 2);
  const output = corral.output();
  t.true(
    output.includes(
      "corral: error: corral.config.json: 'workrs' is not a setting or hook (did you mean 'workers'?)",
    ),
    output,
  );
  t.true(
    output.includes(
      "corral: error: corral.config.json: 'keepAlive' expects a number of seconds from 0 to 2147483, got 'long'",
    ),
    output,
  );
  t.false(existsSync(sock));
  t.false(existsSync(pidfile));
});

test('a config file that throws is exit 1 naming the file', async (t) => {
  const dir = site(t);
  writeFileSync(join(dir, 'corral.config.mjs'), "throw new Error('no secrets here');\n");
  const corral = startCorral(t, ['app.mjs', '-b', '127.0.0.1:0'], { cwd: dir });
  t.is((await corral.exited).code, 1);
  t.regex(
    corral.output(),
    /corral: error: cannot load config file .*corral\.config\.mjs: no secrets here/,
  );
});

test('--print-config shows each value and where it came from', async (t) => {
  const dir = site(t);
  writeFileSync(
    join(dir, 'corral.config.mjs'),
    'export default { workers: 3, timeout: 9, whenReady() {} };\n',
  );
  const corral = startCorral(t, ['app.mjs', '--print-config', '-t', '12'], {
    cwd: dir,
    env: { CORRAL_CMD_ARGS: '--keep-alive 4', WEB_CONCURRENCY: '', PORT: '7000' },
  });
  t.is((await corral.exited).code, 0);
  const lines = corral.output().split('\n');
  const line = (name: string) => lines.find((text) => text.startsWith(`${name} `)) ?? '';
  t.regex(line('workers'), /= 3 +\(config file\)$/);
  t.regex(line('timeout'), /= 12 +\(command line\)$/);
  t.regex(line('keepAlive'), /= 4 +\(CORRAL_CMD_ARGS\)$/);
  t.regex(line('bind'), /= 0\.0\.0\.0:7000 +\(environment\)$/);
  t.regex(line('gracefulTimeout'), /= 25 +\(default\)$/);
  t.regex(line('hooks'), /= whenReady$/);
  t.deepEqual(await childPids(corral.child.pid!), [], 'nothing was started');
});

test('--check-config: exit 0 when the app loads, 1 naming the problem when it does not', async (t) => {
  const dir = site(t);
  const fine = startCorral(t, ['app.mjs', '--check-config'], { cwd: dir });
  t.is((await fine.exited).code, 0);
  writeFileSync(join(dir, 'broken.mjs'), 'export default function (req, res) { res.end( }\n');
  const broken = startCorral(t, ['broken.mjs', '--check-config'], { cwd: dir });
  t.is((await broken.exited).code, 1);
  t.regex(broken.output(), /corral: error: .*SyntaxError/);
  const noExport = startCorral(t, ['app.mjs:nothing', '--check-config'], { cwd: dir });
  t.is((await noExport.exited).code, 1);
  t.regex(noExport.output(), /corral: error: .*nothing/);
});

test('HUP with a broken config file is abandoned, naming the problems; the workers keep serving', async (t) => {
  const dir = site(t);
  const config = join(dir, 'corral.config.mjs');
  writeFileSync(config, "export default { app: 'app.mjs', bind: '127.0.0.1:0' };\n");
  const corral = startCorral(t, [], { cwd: dir });
  const port = await corral.port();
  await corral.waitFor(/Ready: 1 worker serving/);
  const [worker] = corral.workerPids();
  writeFileSync(config, "export default { app: 'app.mjs', bind: '127.0.0.1:0', wrkers: 2 };\n");
  corral.signal('SIGHUP');
  await corral.waitFor(
    /Reload abandoned \(generation 2\); the running workers keep serving: .*'wrkers' is not a setting or hook/,
  );
  t.deepEqual(Number((await get(port)).body), worker);
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});
