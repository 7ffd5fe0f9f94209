import test, { type ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandLineOf, idsOf } from '../helpers/proc-files.ts';
import { copyReadableByAll } from '../helpers/readable-copy.ts';
import { app, childPids, get, startCorral } from './corral-process.ts';

// These specs switch users for real, which needs root (as the machine that runs them is).
if (process.getuid?.() !== 0) throw new Error('run-as-user.spec.ts needs to run as root');

interface Identity {
  uid: number;
  gid: number;
  groups: number[];
}

/** `id` for a user: what the system says its uid, primary gid and every group are. */
function idOf(user: string): Identity {
  const id = (flag: string) => execFileSync('id', [flag, user], { encoding: 'utf8' }).trim();
  return {
    uid: Number(id('-u')),
    gid: Number(id('-g')),
    groups: sortedSet(id('-G').split(' ').map(Number)),
  };
}

function sortedSet(ids: number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}

/** A copy of the identity app in a directory of its own that any user may read. */
function appReadableByAll(t: ExecutionContext): string {
  return copyReadableByAll(t, app('identity-app.mjs'));
}

async function whoServes(port: number): Promise<Identity & { pid: number }> {
  const { body } = await get(port);
  const seen = JSON.parse(body) as Identity & { pid: number };
  return { ...seen, groups: sortedSet(seen.groups) };
}

/** A user that belongs to a group besides its own, if this system has one. */
function userWithSupplementaryGroups(): string | undefined {
  const groups = execFileSync('getent', ['group'], { encoding: 'utf8' }).split('\n');
  const members = groups.flatMap((line) => (line.split(':')[3] ?? '').split(',')).filter(Boolean);
  return members.find((user) => user !== 'root' && idOf(user).groups.length > 1);
}

test.serial(
  '-u nobody: workers run as nobody with its groups; the master stays root',
  async (t) => {
    const nobody = idOf('nobody');
    const corral = startCorral(t, [
      appReadableByAll(t),
      '-b',
      '127.0.0.1:0',
      '-w',
      '2',
      '-u',
      'nobody',
    ]);
    const port = await corral.port();
    await corral.waitFor(/Ready: 2 workers serving/);

    const served = await whoServes(port);
    t.like(served, { uid: nobody.uid, gid: nobody.gid });
    t.deepEqual(served.groups, nobody.groups, "nobody's groups, none of root's");
    t.like(await idsOf(corral.child.pid!), { uid: 0, gid: 0 });
    for (const pid of corral.workerPids()) t.like(await idsOf(pid), { uid: nobody.uid });

    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
  },
);

test.serial('-u gives the user its supplementary groups (initgroups)', async (t) => {
  const user = userWithSupplementaryGroups() ?? 'nobody';
  t.log(`running the workers as ${user}`);
  const expected = idOf(user);
  const corral = startCorral(t, [appReadableByAll(t), '-b', '127.0.0.1:0', '-u', user]);
  const port = await corral.port();
  await corral.waitFor(/Ready: 1 worker serving/);

  const served = await whoServes(port);
  t.like(served, { uid: expected.uid, gid: expected.gid });
  t.deepEqual(served.groups, expected.groups);

  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});

test.serial('-g sets the workers’ group, by name or id', async (t) => {
  const daemonGid = Number(
    execFileSync('getent', ['group', 'daemon'], { encoding: 'utf8' }).split(':')[2],
  );
  const corral = startCorral(t, [
    appReadableByAll(t),
    '-b',
    '127.0.0.1:0',
    '-w',
    '1',
    '-u',
    String(idOf('nobody').uid),
    '-g',
    'daemon',
  ]);
  const port = await corral.port();
  await corral.waitFor(/Ready: 1 worker serving/);
  const served = await whoServes(port);
  t.like(served, { uid: idOf('nobody').uid, gid: daemonGid });
  t.false(served.groups.includes(0), 'root’s group was dropped');

  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});

test.serial('an unknown user or group is named, exit 1, and nothing is left behind', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-user-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'app.sock');
  const pidfile = join(dir, 'corral.pid');
  for (const [flag, value, what] of [
    ['-u', 'no-such-user-for-corral', 'user'],
    ['-g', 'no-such-group-for-corral', 'group'],
  ] as const) {
    const corral = startCorral(t, [
      app('identity-app.mjs'),
      '-b',
      `unix:${sock}`,
      '-p',
      pidfile,
      flag,
      value,
    ]);
    t.is((await corral.exited).code, 1);
    t.regex(corral.output(), new RegExp(`${what} '${value}': no such ${what}`));
    t.notRegex(corral.output(), /Listening at/);
    t.false(existsSync(sock), 'no socket file');
    t.false(existsSync(pidfile), 'no pid file');
    t.deepEqual(await childPids(corral.child.pid!), []);
  }
});

test.serial('the title names the workers for ps once they run as another user', async (t) => {
  const corral = startCorral(t, [
    appReadableByAll(t),
    '-b',
    '127.0.0.1:0',
    '-u',
    'nobody',
    '-n',
    'shop',
  ]);
  await corral.waitFor(/Ready: 1 worker serving/);
  const [worker] = corral.workerPids();
  t.is(await commandLineOf(worker!), 'corral: worker [shop]');
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});
