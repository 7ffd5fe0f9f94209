import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { zombieChildren } from '../../actors/proc-zombies.ts';
import { masterPid, pidNamespaces, unshare } from '../helpers/pid-namespace.ts';
import { app, childPids, eventually, get, isAlive, startCorral } from './corral-process.ts';

const pid1Test = pidNamespaces ? test.serial : test.serial.skip;
if (!pidNamespaces) console.warn('pid1.spec.ts: unshare --pid is not permitted here (needs root)');

pid1Test('as PID 1: reaps orphans it did not start, and TERM stops it with exit 0', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-pid1-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const release = join(dir, 'release');
  const corral = startCorral(t, [app('orphan-app.mjs'), '-w', '1', '-b', '127.0.0.1:0'], {
    wrap: unshare,
    ownPidNamespace: true,
    env: { ORPHAN_RELEASE: release },
  });
  await corral.waitFor(/Starting corral with pid: 1\b/);
  await corral.waitFor(/Running as PID 1: corral reaps orphaned processes/);
  const master = await masterPid(corral.child.pid!);
  const port = await corral.port();
  await corral.waitFor(/Ready: 1 worker serving/);

  await get(port, '/daemon');
  await get(port, '/detach-and-exit');
  await corral.waitFor(/Worker 2 \(pid:\d+\) ready/);
  await eventually(
    async () => (await shells(master)).length === 2,
    'both orphans are the master’s',
  );

  writeFileSync(release, '');
  await eventually(
    async () => (await shells(master)).length === 0 && (await zombieChildren(master)).length === 0,
    'the orphans have exited and been reaped',
  );
  t.true(isAlive(master));
  t.is((await get(port)).status, 200, 'the worker still serves');

  const workers = await childPids(master);
  process.kill(master, 'SIGTERM');
  t.is((await corral.exited).code, 0);
  t.regex(corral.output(), /Shutting down: Master/);
  t.false([master, ...workers].some(isAlive), 'nothing is left');
});

pid1Test('as PID 1: SIGINT (Ctrl-C in `docker run -it`) stops it with exit 0', async (t) => {
  const corral = startCorral(t, [app('pid-app.mjs'), '-w', '1', '-b', '127.0.0.1:0'], {
    wrap: unshare,
    ownPidNamespace: true,
  });
  const master = await masterPid(corral.child.pid!);
  await corral.waitFor(/Ready: 1 worker serving/);
  process.kill(master, 'SIGINT');
  t.is((await corral.exited).code, 0);
  t.regex(corral.output(), /Handling signal: int/);
});

/** The orphaned shells the fixture leaves, alive or zombie, that the master has taken in. */
async function shells(master: number): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (command === 'sh' && ppid === master) found.push(Number(entry));
  }
  return found;
}
