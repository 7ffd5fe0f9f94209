import test, { type ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settingRows } from '../../settings/settings-table.ts';
import { listenDatagrams } from '../helpers/datagram-listener.ts';
import { masterPid, pidNamespaces, unshare } from '../helpers/pid-namespace.ts';
import { startActivated } from '../helpers/socket-activate.ts';
import { childPids, eventually, get, repoRoot, startCorral } from './corral-process.ts';

// docs/deploy.md promises that its recipes run as written. This spec reads them from the page and
// runs them here, changing only what must change on a test machine: /srv/app becomes a temporary
// app directory that has corral installed (a symlink to this repository), and a fixed port
// becomes a free one.

const doc = readFileSync(join(repoRoot, 'docs', 'deploy.md'), 'utf8');

/** The fenced blocks of one language, in the order the page has them. */
function blocks(language: string): string[] {
  const fence = new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g');
  return [...doc.matchAll(fence)].map((match) => match[1]!);
}

/** The value of the first `Key=value` line of a unit file. */
function unitValue(unit: string, key: string): string {
  const line = unit.split('\n').find((text) => text.startsWith(`${key}=`));
  if (line === undefined) throw new Error(`the unit in docs/deploy.md has no ${key}=`);
  return line.slice(key.length + 1);
}

/** The value of the first `key: value` line of the YAML block, as written. */
function yamlValue(yaml: string, key: string): string {
  const match = yaml.match(new RegExp(`^\\s*${key}: (.+)$`, 'm'));
  if (match === null) throw new Error(`the Deployment in docs/deploy.md has no ${key}`);
  return match[1]!;
}

const defaultGracefulTimeout = Number(
  settingRows.find((row) => row.name === 'gracefulTimeout')?.default,
);

/** A directory where an app has corral installed, standing in for /srv/app. */
function appDirectory(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-deploy-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'app.js'),
    'module.exports = (req, res) => res.end(String(process.pid));\n',
  );
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(repoRoot, join(dir, 'node_modules', 'corral'));
  symlinkSync('../corral/bin/corral.js', join(dir, 'node_modules', '.bin', 'corral'));
  return dir;
}

test.serial('the systemd units: socket activation, READY, ExecReload and stop', async (t) => {
  const [socketUnit, serviceUnit] = blocks('ini');
  t.truthy(socketUnit?.includes('[Socket]'), 'the first ini block is the socket unit');
  t.truthy(serviceUnit?.includes('[Service]'), 'the second ini block is the service unit');
  t.is(unitValue(serviceUnit!, 'Type'), 'notify');
  t.true(
    Number(unitValue(serviceUnit!, 'TimeoutStopSec')) >= defaultGracefulTimeout + 5,
    'TimeoutStopSec leaves room after the default graceful timeout',
  );
  t.regex(unitValue(socketUnit!, 'ListenStream'), /^[\d.]+:\d+$/);

  const dir = appDirectory(t);
  const sub = (text: string) => text.replaceAll('/srv/app', dir);
  t.is(sub(unitValue(serviceUnit!, 'WorkingDirectory')), dir);
  const execStart = sub(unitValue(serviceUnit!, 'ExecStart')).split(' ');
  const fdName = unitValue(socketUnit!, 'FileDescriptorName');
  const notify = await listenDatagrams(t);

  const { corral, port } = await startActivated(
    t,
    [],
    [`--fdname=${fdName}`, '-E', `NOTIFY_SOCKET=${notify.address}`],
    { command: execStart, cwd: dir },
  );

  // The first connection makes the tool start corral; it is answered once a worker is ready.
  const first = await get(port);
  await notify.waitFor((data) => data.includes('READY=1'));
  const workers = await childPids(corral.child.pid!);
  t.is(workers.length, 4, 'ExecStart asked for 4 workers');
  t.true(workers.includes(Number(first.body)));
  t.regex(corral.output(), /from systemd socket activation \(fd 3, web\)/);

  const mark = notify.received().length;
  const reload = unitValue(serviceUnit!, 'ExecReload');
  execFileSync('/bin/sh', ['-c', reload], { env: { MAINPID: String(corral.child.pid) } });
  await notify.waitFor((data) => data.includes('RELOADING=1'), mark);
  await notify.waitFor((data) => data.includes('READY=1'), mark + 1);

  // KillMode=mixed: TERM to the main process only.
  corral.signal('SIGTERM');
  await notify.waitFor((data) => data.includes('STOPPING=1'));
  t.is((await corral.exited).code, 0);
});

const pid1Test = pidNamespaces ? test.serial : test.serial.skip;

pid1Test("the image's CMD serves as PID 1 and stops on its STOPSIGNAL with exit 0", async (t) => {
  const [dockerfile] = blocks('dockerfile');
  const cmd = JSON.parse(dockerfile!.match(/^CMD (\[.*\])$/m)![1]!) as string[];
  const stopSignal = dockerfile!.match(/^STOPSIGNAL (\w+)$/m)![1] as NodeJS.Signals;
  t.is(dockerfile!.match(/^WORKDIR (.+)$/m)![1], '/srv/app');
  const dir = appDirectory(t);
  // The image binds 0.0.0.0:8000 in its own network namespace; here, a free loopback port.
  const command = cmd.map((arg) => (arg === '0.0.0.0:8000' ? '127.0.0.1:0' : arg));
  t.not(command.join(' '), cmd.join(' '), 'the bind was found and replaced');
  const corral = startCorral(t, [], {
    wrap: unshare,
    command,
    cwd: dir,
    ownPidNamespace: true,
  });
  await corral.waitFor(/Starting corral with pid: 1\b/);
  const master = await masterPid(corral.child.pid!);
  const port = await corral.port();
  await corral.waitFor(/Ready: \d+ workers? serving/);
  t.is((await get(port)).status, 200);
  process.kill(master, stopSignal);
  t.is((await corral.exited).code, 0);
  await eventually(async () => (await childPids(master)).length === 0, 'no process is left');
});

test.serial(
  'the Deployment: its command serves the readiness route, and the grace budget fits',
  async (t) => {
    const [yaml] = blocks('yaml');
    const grace = Number(yamlValue(yaml!, 'terminationGracePeriodSeconds'));
    const preStop = Number(yamlValue(yaml!, 'seconds'));
    t.true(
      preStop + defaultGracefulTimeout + 5 <= grace,
      `preStop ${preStop} s + graceful timeout ${defaultGracefulTimeout} s + 5 s fits in ${grace} s`,
    );
    const command = JSON.parse(yamlValue(yaml!, 'command').replaceAll("'", '"')) as string[];
    const args = JSON.parse(yamlValue(yaml!, 'args').replaceAll("'", '"')) as string[];
    const probePath = yamlValue(yaml!, 'path');
    const probePort = yamlValue(yaml!, 'port');
    t.true(args.includes(`0.0.0.0:${probePort}`), 'the probes ask the port corral binds');

    const dir = appDirectory(t);
    const corral = startCorral(
      t,
      args.map((arg) => (arg === `0.0.0.0:${probePort}` ? '127.0.0.1:0' : arg)),
      { command, cwd: dir },
    );
    const port = await corral.port();
    await corral.waitFor(/Ready: \d+ workers? serving/);
    t.is((await get(port, probePath)).status, 200);
    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
  },
);
