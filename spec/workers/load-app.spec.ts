// loadApp over the fixtures in spec/fixtures/apps: every accepted form and file type gives a
// working listener, and every failure has its exit code (3: importing threw, 4: no usable app)
// and a reason naming the module's path and the export.
import test from 'ava';
import { join } from 'node:path';
import { ExitCode, type BootFailureCode } from '../../protocol/exit-codes.ts';
import { loadApp, type LoadAppResult } from '../../workers/app/load-app.ts';
import { get } from '../helpers/http-client.ts';
import { serveInProcess } from '../helpers/serve-in-process.ts';
import { appFixtures } from '../helpers/worker-harness.ts';

const fixture = (name: string): string => join(appFixtures, name);

const accepted: [spec: string, path: string, body: string][] = [
  ['plain-listener.js', '/', 'plain listener'],
  ['./plain-listener.js', '/', 'plain listener'],
  ['./plain-listener', '/', 'plain listener'],
  ['named-app.mjs', '/', 'named app'],
  ['named-handler.mjs', '/', 'named handler'],
  ['custom-export.mjs', '/', 'site'],
  ['custom-export.mjs:api', '/', 'api'],
  ['custom-export.mjs:default', '/', 'site'],
  ['commonjs.cjs', '/', 'commonjs listener'],
  ['commonjs-object.cjs', '/', 'commonjs object app'],
  ['commonjs-object.cjs:app', '/', 'commonjs object app'],
  ['typescript-listener.ts', '/', 'typescript listener'],
  // tsx would resolve twin.js to twin.ts if load-app.ts imported it directly.
  ['twin.js', '/', 'twin.js'],
  ['twin.ts', '/', 'twin.ts'],
  ['factory.ts:createApp()', '/', 'factory'],
  ['factory.ts:createApp("hi", 3)', '/', 'hi hi hi'],
  ['factory.ts:createFetchApp()', '/path', 'async factory /path'],
  ['fetch-app.mjs', '/', 'fetch app'],
  ['express-app.mjs', '/user/ada', '{"name":"ada"}'],
  ['koa-like.mjs', '/', 'koa-like callback'],
];

for (const [spec, path, body] of accepted) {
  test(`serves ${spec}`, async (t) => {
    const loaded = await loadApp(spec, appFixtures);
    if (!loaded.ok) return t.fail(loaded.reason);
    if (loaded.listener === undefined) return t.fail('served as a server, not a listener');
    const port = await serveInProcess(t, loaded.listener);
    t.is((await get(port, path)).body, body);
  });
}

test('an absolute path works from any cwd', async (t) => {
  const loaded = await loadApp(`${fixture('plain-listener.js')}`, '/');
  t.true(loaded.ok);
});

test('the description names the shape and where it came from', async (t) => {
  const loaded = await loadApp('fetch-app.mjs', appFixtures);
  t.like(loaded, {
    ok: true,
    description: `fetch handler from the export 'default' of ${fixture('fetch-app.mjs')}`,
  });
});

const failures: [spec: string, exitCode: BootFailureCode, mentions: string[]][] = [
  ['missing.js', ExitCode.WorkerBootError, [fixture('missing.js'), 'does not exist']],
  ['./missing', ExitCode.WorkerBootError, [fixture('missing'), 'does not exist']],
  ['no-such-package-here', ExitCode.WorkerBootError, ["'no-such-package-here'", appFixtures]],
  ['plain-listener', ExitCode.WorkerBootError, ["'plain-listener'", 'write ./plain-listener.js']],
  [
    'bad-syntax.mjs',
    ExitCode.WorkerBootError,
    [fixture('bad-syntax.mjs'), 'SyntaxError', 'bad-syntax.mjs:3'],
  ],
  [
    'throws-on-import.mjs',
    ExitCode.WorkerBootError,
    [fixture('throws-on-import.mjs'), 'the database is not configured'],
  ],
  [
    'factory.ts:createAndThrow()',
    ExitCode.WorkerBootError,
    [fixture('factory.ts'), 'createAndThrow()', 'factory refused to build'],
  ],
  [
    'custom-export.mjs:nope',
    ExitCode.AppLoadError,
    [fixture('custom-export.mjs'), "'nope'", 'default', 'api'],
  ],
  [
    'no-app-export.mjs',
    ExitCode.AppLoadError,
    [fixture('no-app-export.mjs'), "'app' or 'handler'", 'config, start'],
  ],
  [
    'not-an-app.mjs',
    ExitCode.AppLoadError,
    [fixture('not-an-app.mjs'), 'an object with keys port, host', 'not-an-app.mjs:name'],
  ],
  ['class-export.mjs', ExitCode.AppLoadError, [fixture('class-export.mjs'), 'a class']],
  [
    'koa-bad-callback.mjs',
    ExitCode.AppLoadError,
    [fixture('koa-bad-callback.mjs'), 'callback() returned a string'],
  ],
  [
    'factory.ts:createNothing()',
    ExitCode.AppLoadError,
    [fixture('factory.ts'), 'createNothing()', 'a number (42)'],
  ],
  [
    'factory.ts:notAFunction()',
    ExitCode.AppLoadError,
    [fixture('factory.ts'), "'notAFunction'", 'not a factory function'],
  ],
  ['fetch-app.mjs:make(nope)', ExitCode.AppLoadError, ['make(nope)', 'JSON literals']],
];

for (const [spec, exitCode, mentions] of failures) {
  test(`refuses ${spec} with exit code ${exitCode}`, async (t) => {
    const loaded: LoadAppResult = await loadApp(spec, appFixtures);
    if (loaded.ok) return t.fail(`loaded ${loaded.description}`);
    t.is(loaded.exitCode, exitCode);
    for (const text of mentions)
      t.true(loaded.reason.includes(text), `"${text}" in: ${loaded.reason}`);
    t.regex(loaded.reason, /\.$/, 'the reason is a sentence');
    t.false(loaded.reason.includes('\n'), 'the reason is one line');
  });
}
