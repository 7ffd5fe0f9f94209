import test from 'ava';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigFileError, UsageError } from '../../errors.ts';
import {
  readConfiguration,
  type ConfigurationRead,
  type ReadConfigurationInput,
} from '../../actors/read-configuration.ts';

type Run = Extract<ConfigurationRead, { kind: 'run' }>;

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function run(input: Partial<ReadConfigurationInput> & { cwd: string }): Promise<Run> {
  const read = await readConfiguration({ argv: ['app.js'], env: {}, ...input });
  if (read.kind !== 'run') throw new Error(`expected a run, got ${read.kind}`);
  return read;
}

async function usageProblems(input: ReadConfigurationInput): Promise<string[]> {
  try {
    await readConfiguration(input);
  } catch (error) {
    if (error instanceof UsageError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected a usage error');
}

test('precedence: environment < config file < CORRAL_CMD_ARGS < command line', async (t) => {
  const cwd = tempDir(t);
  writeFileSync(
    join(cwd, 'corral.config.mjs'),
    "export default { workers: 3, timeout: 11, keepAlive: 7, bind: ['127.0.0.1:9001'] };",
  );
  const env = { WEB_CONCURRENCY: '2', PORT: '5000', CORRAL_CMD_ARGS: '--timeout 12 -w 4' };
  const { settings, sources } = await run({ cwd, env, argv: ['-w', '5', 'app.js'] });
  t.is(settings.workers, 5);
  t.is(sources.workers, 'command-line');
  t.is(settings.timeout, 12);
  t.is(sources.timeout, 'CORRAL_CMD_ARGS');
  t.is(settings.keepAlive, 7);
  t.is(sources.keepAlive, 'config-file');
  t.deepEqual(settings.bind, ['127.0.0.1:9001']);
  t.is(sources.bind, 'config-file');
  t.is(sources.gracefulTimeout, 'default');
});

test('the environment supplies what no other source sets', async (t) => {
  const cwd = tempDir(t);
  writeFileSync(join(cwd, 'corral.config.json'), JSON.stringify({ timeout: 5 }));
  const { settings, sources } = await run({ cwd, env: { PORT: '5000', WEB_CONCURRENCY: '3' } });
  t.deepEqual(settings.bind, ['0.0.0.0:5000']);
  t.is(sources.bind, 'environment');
  t.is(settings.workers, 3);
  t.is(settings.timeout, 5);
});

test('the config file is found in order: .ts before .mjs before .js before .cjs before .json', async (t) => {
  const cwd = tempDir(t);
  writeFileSync(join(cwd, 'corral.config.json'), JSON.stringify({ workers: 5 }));
  t.is((await run({ cwd })).settings.workers, 5);
  writeFileSync(join(cwd, 'corral.config.cjs'), 'module.exports = { workers: 4 };');
  t.is((await run({ cwd })).settings.workers, 4);
  writeFileSync(join(cwd, 'corral.config.mjs'), 'export default { workers: 2 };');
  t.is((await run({ cwd })).settings.workers, 2);
  writeFileSync(
    join(cwd, 'corral.config.ts'),
    'const config: { workers: number } = { workers: 6 };\nexport default config;\n',
  );
  const read = await run({ cwd });
  t.is(read.settings.workers, 6);
  t.is(read.settings.config, join(cwd, 'corral.config.ts'));
});

test('a TypeScript config with defineConfig loads without a build step, hooks included', async (t) => {
  const cwd = tempDir(t);
  // As an app that installed corral sees it.
  mkdirSync(join(cwd, 'node_modules'));
  symlinkSync(
    fileURLToPath(new URL('../..', import.meta.url)),
    join(cwd, 'node_modules', 'corral'),
  );
  writeFileSync(
    join(cwd, 'corral.config.ts'),
    [
      "import { defineConfig } from 'corral/config';",
      'const workers: number = 2;',
      'export default defineConfig({',
      "  workers, workerClass: 'sync',",
      "  whenReady(server) { server.log.info('ready'); },",
      '  preRequest() {},',
      '});',
    ].join('\n'),
  );
  const { settings, hooks } = await run({ cwd });
  t.is(settings.workers, 2);
  t.is(settings.workerClass, 'sync');
  t.deepEqual(Object.keys(hooks).sort(), ['preRequest', 'whenReady']);
});

test('-c names the file; a relative path is read from the starting directory', async (t) => {
  const cwd = tempDir(t);
  mkdirSync(join(cwd, 'conf'));
  writeFileSync(join(cwd, 'conf', 'prod.mjs'), 'export default { workers: 7 };');
  writeFileSync(join(cwd, 'corral.config.mjs'), 'export default { workers: 1 };');
  const read = await run({ cwd, argv: ['-c', 'conf/prod.mjs', 'app.js'] });
  t.is(read.settings.workers, 7);
  t.is(read.settings.config, join(cwd, 'conf', 'prod.mjs'));
});

test('--chdir moves where the config file is looked for, and comes back absolute', async (t) => {
  const cwd = tempDir(t);
  mkdirSync(join(cwd, 'site'));
  writeFileSync(join(cwd, 'site', 'corral.config.mjs'), 'export default { workers: 4 };');
  const read = await run({ cwd, argv: ['--chdir', 'site', 'app.js'] });
  t.is(read.settings.workers, 4);
  t.is(read.settings.chdir, join(cwd, 'site'));
  const fromEnv = await run({ cwd, env: { CORRAL_CMD_ARGS: '--chdir site' } });
  t.is(fromEnv.settings.workers, 4);
});

test('the config file may name the app, so APP_MODULE is optional', async (t) => {
  const cwd = tempDir(t);
  writeFileSync(join(cwd, 'corral.config.mjs'), "export default { app: 'server.js:app' };");
  const read = await run({ cwd, argv: [] });
  t.is(read.settings.app, 'server.js:app');
  t.is(read.sources.app, 'config-file');
});

test('every problem in a config file is reported at once, with the file and the key', async (t) => {
  const cwd = tempDir(t);
  writeFileSync(
    join(cwd, 'corral.config.mjs'),
    "export default { wrokers: 2, worker_class: 'sync', timeout: 'soon', onExitt() {}, whenReady: true, pid: '' };",
  );
  const problems = await usageProblems({ argv: ['-w', '2', 'app.js'], env: {}, cwd });
  t.deepEqual(problems.sort(), [
    "corral.config.mjs: 'onExitt' is not a setting or hook (did you mean 'onExit'?)",
    "corral.config.mjs: 'pid' expects a file path, got ''",
    "corral.config.mjs: 'timeout' expects a number of seconds from 0 to 2147483, got 'soon'",
    "corral.config.mjs: 'worker_class' is not a setting or hook (did you mean 'workerClass'?)",
    "corral.config.mjs: 'wrokers' is not a setting or hook (did you mean 'workers'?)",
    "corral.config.mjs: hook 'whenReady' must be a function, got boolean",
  ]);
});

test('a bad value in the file is reported even when the command line overrides it', async (t) => {
  const cwd = tempDir(t);
  writeFileSync(join(cwd, 'corral.config.json'), JSON.stringify({ workers: 0 }));
  const problems = await usageProblems({ argv: ['-w', '3', 'app.js'], env: {}, cwd });
  t.deepEqual(problems, [
    "corral.config.json: 'workers' expects a positive integer or auto, got 0",
  ]);
});

test('problems from the file and the command line come together', async (t) => {
  const cwd = tempDir(t);
  writeFileSync(join(cwd, 'corral.config.json'), JSON.stringify({ backlog: -1 }));
  const problems = await usageProblems({
    argv: ['--timeout', 'x', 'app.js'],
    env: { CORRAL_CMD_ARGS: '--keep-alive y' },
    cwd,
  });
  t.deepEqual(problems, [
    "corral.config.json: 'backlog' expects a positive integer, got -1",
    "option '-t, --timeout' expects a number of seconds from 0 to 2147483, got 'x'",
    "CORRAL_CMD_ARGS option '--keep-alive' expects a number of seconds from 0 to 2147483, got 'y'",
  ]);
});

test('settings that belong to one command cannot be set in a file', async (t) => {
  const cwd = tempDir(t);
  writeFileSync(join(cwd, 'corral.config.json'), JSON.stringify({ printConfig: true }));
  t.deepEqual(await usageProblems({ argv: ['app.js'], env: {}, cwd }), [
    "corral.config.json: 'printConfig' cannot be set in a config file",
  ]);
});

test('a default export that is not an object is named', async (t) => {
  const cwd = tempDir(t);
  writeFileSync(join(cwd, 'corral.config.mjs'), 'export default 42;');
  const [problem] = await usageProblems({ argv: ['app.js'], env: {}, cwd });
  t.regex(problem!, /^corral\.config\.mjs: the default export must be an object/);
});

test('a missing -c file, a syntax error and a throwing config are ConfigFileErrors', async (t) => {
  const cwd = tempDir(t);
  const missing = await t.throwsAsync(
    readConfiguration({ argv: ['-c', 'nope.mjs', 'app.js'], env: {}, cwd }),
    { instanceOf: ConfigFileError },
  );
  t.is(missing.message, 'config file nope.mjs does not exist');
  t.is(missing.exitCode, 1);
  writeFileSync(join(cwd, 'broken.mjs'), 'export default { workers: ;');
  const broken = await t.throwsAsync(
    readConfiguration({ argv: ['-c', 'broken.mjs', 'app.js'], env: {}, cwd }),
    { instanceOf: ConfigFileError },
  );
  t.regex(broken.message, /^cannot load config file .*broken\.mjs: /);
  writeFileSync(join(cwd, 'bad.json'), '{ "workers": 2, }');
  const json = await t.throwsAsync(
    readConfiguration({ argv: ['-c', 'bad.json', 'app.js'], env: {}, cwd }),
    { instanceOf: ConfigFileError },
  );
  t.regex(json.message, /^cannot read config file .*bad\.json: /);
});

test('each read sees the file as it is now (HUP reads it again)', async (t) => {
  const cwd = tempDir(t);
  for (const name of ['corral.config.mjs', 'corral.config.cjs', 'corral.config.ts']) {
    const path = join(cwd, name);
    const body = (n: number) =>
      name.endsWith('.cjs')
        ? `module.exports = { workers: ${n} };`
        : `export default { workers: ${n} };`;
    writeFileSync(path, body(2));
    t.is((await run({ cwd, argv: ['-c', name, 'app.js'] })).settings.workers, 2, name);
    writeFileSync(path, body(3));
    t.is((await run({ cwd, argv: ['-c', name, 'app.js'] })).settings.workers, 3, name);
  }
});

test('CORRAL_CMD_ARGS is split like a shell would, and may not hold --help', async (t) => {
  const cwd = tempDir(t);
  const read = await run({
    cwd,
    env: { CORRAL_CMD_ARGS: `--name 'shop api' -e GREETING="hi \\"you\\"" -e A=1` },
  });
  t.is(read.settings.name, 'shop api');
  t.deepEqual(read.settings.env, ['GREETING=hi "you"', 'A=1']);
  await t.throwsAsync(
    readConfiguration({ argv: ['app.js'], env: { CORRAL_CMD_ARGS: '--help' }, cwd }),
    {
      instanceOf: UsageError,
      message: 'CORRAL_CMD_ARGS may hold settings only, not --help',
    },
  );
  await t.throwsAsync(
    readConfiguration({ argv: ['app.js'], env: { CORRAL_CMD_ARGS: "-n 'x" }, cwd }),
    {
      instanceOf: UsageError,
      message: "CORRAL_CMD_ARGS has an unclosed ' quote",
    },
  );
});

test('--help answers before any config file is read', async (t) => {
  const cwd = tempDir(t);
  writeFileSync(join(cwd, 'corral.config.mjs'), 'throw new Error("must not be imported");');
  const read = await readConfiguration({ argv: ['--help'], env: {}, cwd });
  t.is(read.kind, 'help');
});

test('a --chdir that is not a directory is a usage error naming it', async (t) => {
  const cwd = tempDir(t);
  writeFileSync(join(cwd, 'file'), '');
  for (const dir of ['missing', 'file']) {
    await t.throwsAsync(readConfiguration({ argv: ['--chdir', dir, 'app.js'], env: {}, cwd }), {
      instanceOf: UsageError,
      message: `chdir '${dir}' is not a directory`,
    });
  }
});
