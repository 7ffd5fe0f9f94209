import test from 'ava';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createArbiter } from '../../../actors/create-arbiter.ts';
import { appDirectory } from '../../../actors/reload/watcher.ts';
import type { LogSink } from '../../../actors/supervision-log.ts';
import { app, eventually, repoRoot } from '../../integration/corral-process.ts';
import { inotifyWatches } from '../../helpers/inotify-watches.ts';

function memoryLog(): LogSink & { lines: string[] } {
  const lines: string[] = [];
  const push = (message: string) => lines.push(message);
  return { lines, debug: push, info: push, warn: push, error: push, fatal: push };
}

test('the watched directory is the app module’s, whatever the export or factory', (t) => {
  t.is(appDirectory('src/app.ts', '/srv'), '/srv/src');
  t.is(appDirectory('./server.mjs:handler', '/srv'), '/srv');
  t.is(appDirectory('/opt/app/main.js:create("a:b", 2)', '/srv'), '/opt/app');
  t.is(appDirectory('tsx', repoRoot), join(repoRoot, 'node_modules', 'tsx', 'dist'));
  t.is(appDirectory('no-such-package:app', '/srv'), '/srv', 'unresolvable: the working directory');
});

test.serial(
  'an embedded arbiter reloads on an edit without handling signals, and stops watching when it stops',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-embedded-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(app('reload-app'), dir, { recursive: true });
    const logger = memoryLog();
    const arbiter = createArbiter(
      { app: join(dir, 'app.mjs'), workers: 1, bind: ['127.0.0.1:0'], reload: true },
      { handleSignals: false, logger },
    );
    t.teardown(() => arbiter.children.forEach((child) => child.kill('SIGKILL')));
    const [url] = await arbiter.start();
    await arbiter.ready;
    t.true(inotifyWatches() > 0);

    writeFileSync(join(dir, 'lib', 'message.mjs'), "export const message = 'v2';\n");
    const served = async () => (await (await fetch(url!)).text()).startsWith('hello v2');
    await eventually(served, 'the edit is served');
    t.true(logger.lines.includes('Reload: lib/message.mjs changed'));

    arbiter.stop();
    t.like(await arbiter.done, { exitCode: 0 });
    t.is(inotifyWatches(), 0, 'no watch is left behind');
  },
);
