import test from 'ava';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childPids, app, startCorral } from './corral-process.ts';

test.serial(
  'an unknown flag is a one-line error naming it, with a usage hint, exit 2',
  async (t) => {
    const corral = startCorral(t, [app('pid-app.mjs'), '--wrokers', '2']);
    t.is((await corral.exited).code, 2);
    const lines = corral.output().trim().split('\n');
    t.regex(lines[0]!, /--wrokers/);
    t.regex(corral.output(), /usage: corral/i);
  },
);

test.serial('a bad value names the flag, exit 2', async (t) => {
  const corral = startCorral(t, [app('pid-app.mjs'), '-w', 'many']);
  t.is((await corral.exited).code, 2);
  t.regex(corral.output(), /--workers/);
  t.regex(corral.output(), /many/);
});

test.serial('an address in use is named, exit 1, and nothing is left behind', async (t) => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  t.teardown(() => holder.close());
  const port = (holder.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'corral-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'app.sock');
  const pidfile = join(dir, 'corral.pid');
  const corral = startCorral(t, [
    app('pid-app.mjs'),
    '-b',
    `unix:${sock}`,
    '-b',
    `127.0.0.1:${port}`,
    '-p',
    pidfile,
  ]);
  t.is((await corral.exited).code, 1);
  t.regex(corral.output(), new RegExp(`127\\.0\\.0\\.1:${port}.*address already in use`));
  t.false(existsSync(sock), 'the unix socket bound first was removed');
  t.false(existsSync(pidfile), 'the pid file was removed');
  t.deepEqual(await childPids(corral.child.pid!), []);
});

test.serial('an address that cannot be assigned is named, exit 1', async (t) => {
  const corral = startCorral(t, [app('pid-app.mjs'), '-b', '192.0.2.1:8000']);
  t.is((await corral.exited).code, 1);
  t.regex(corral.output(), /192\.0\.2\.1:8000/);
});
