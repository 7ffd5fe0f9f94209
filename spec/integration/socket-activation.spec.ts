import test, { type ExecutionContext } from 'ava';
import { once } from 'node:events';
import { createSocket } from 'node:dgram';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindListeners } from '../../actors/listeners/bind-listeners.ts';
import { parseAddress } from '../../settings/parse-address.ts';
import { bindSocket } from '../helpers/bound-socket.ts';
import { SOCKET_ACTIVATE, startActivated } from '../helpers/socket-activate.ts';
import {
  app,
  childPids,
  eventually,
  isAlive,
  killQuietly,
  startCorral,
  type CorralProcess,
} from './corral-process.ts';

function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-activate-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Answer {
  pid: number;
  LISTEN_PID?: string;
  LISTEN_FDS?: string;
  LISTEN_FDNAMES?: string;
}

/** One request on a new connection (no keep-alive, so a retiring worker holds none). */
function ask(where: { port: number } | { socketPath: string }): Promise<Answer> {
  const target = 'port' in where ? { host: '127.0.0.1', port: where.port } : where;
  return new Promise((resolve, reject) => {
    http
      .get({ ...target, path: '/', agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(JSON.parse(body) as Answer));
      })
      .on('error', reject);
  });
}

/** Waits for a log line even after the first master has exited (a new one still writes). */
async function logged(corral: CorralProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  await eventually(() => pattern.test(corral.output()), `the log shows ${pattern}`);
  return corral.output().match(pattern)!;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

test.serial(
  'under systemd-socket-activate: serves on the activated TCP and unix sockets instead of bind, and leaves the socket file',
  async (t) => {
    const sock = join(tempDir(t), 'app.sock');
    const { corral, port } = await startActivated(
      t,
      [app('listen-env-app.mjs'), '-w', '2', '-b', '127.0.0.1:1'],
      ['-l', sock, '--fdname=web:local'],
    );
    // The tool execs corral on this first connection, which then waits in the backlog.
    const first = ask({ port });
    await corral.waitFor(/Ready: 2 workers serving/);
    const pid = corral.child.pid!;
    await corral.waitFor(
      new RegExp(
        `Listening at: http://127\\.0\\.0\\.1:${port} \\(${pid}\\), from systemd socket activation \\(fd 3, web\\)`,
      ),
    );
    await corral.waitFor(
      new RegExp(
        `Listening at: unix:${escape(sock)} \\(${pid}\\), from systemd socket activation \\(fd 4, local\\)`,
      ),
    );
    t.regex(corral.output(), /bind \(127\.0\.0\.1:1\) is not used/);
    const workers = corral.workerPids();
    const answer = await first;
    t.true(workers.includes(answer.pid), 'a worker answered the connection that started corral');
    t.like(answer, { LISTEN_PID: undefined, LISTEN_FDS: undefined, LISTEN_FDNAMES: undefined });
    t.true(workers.includes((await ask({ socketPath: sock })).pid), 'the unix socket serves');

    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
    t.true(existsSync(sock), "the socket file is systemd's: corral leaves it");
  },
);

test.serial(
  'under systemd-socket-activate: a HUP, a killed worker and a USR2 upgrade keep serving on the activated sockets',
  async (t) => {
    t.timeout(180_000);
    const sock = join(tempDir(t), 'app.sock');
    const { corral, port } = await startActivated(
      t,
      [app('listen-env-app.mjs'), '-w', '2'],
      ['-l', sock],
    );
    await ask({ port });
    await corral.waitFor(/Ready: 2 workers serving/);
    const oldPid = corral.child.pid!;

    const first = corral.workerPids();
    corral.signal('SIGHUP');
    await corral.waitFor(/Reload done: generation 2 serving with 2 workers/);
    const reloaded = corral.workerPids().filter((pid) => !first.includes(pid));
    await eventually(() => first.every((pid) => !isAlive(pid)), 'the old workers have exited');
    t.true(reloaded.includes((await ask({ port })).pid), 'a new-generation worker answers');

    const [victim] = reloaded;
    process.kill(victim!, 'SIGKILL');
    await eventually(() => corral.workerPids().length > first.length + 2, 'a replacement boots');
    const replacement = corral.workerPids().at(-1)!;
    await corral.waitFor(new RegExp(`Worker \\d+ \\(pid:${replacement}\\) ready`));
    t.not((await ask({ port })).pid, victim);

    corral.signal('SIGUSR2');
    const newPid = Number(
      (await corral.waitFor(/Upgrade: started a new master with pid: (\d+)/))[1],
    );
    t.teardown(() => killQuietly(newPid));
    await corral.waitFor(
      new RegExp(
        `Listening at: http://127\\.0\\.0\\.1:${port} \\(${newPid}\\), inherited from pid ${oldPid}, from systemd socket activation \\(fd 3\\)`,
      ),
    );
    await corral.waitFor(new RegExp(`\\[${newPid}\\] \\[INFO\\] Ready: 2 workers serving`));
    t.notRegex(corral.output(), /bind changed/);

    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
    await logged(corral, new RegExp(`\\[${newPid}\\].*Master has been promoted`));
    const newWorkers = await childPids(newPid);
    t.true(newWorkers.includes((await ask({ port })).pid), "the new master's workers serve");
    t.true(newWorkers.includes((await ask({ socketPath: sock })).pid));

    process.kill(newPid, 'SIGTERM');
    await logged(corral, new RegExp(`\\[${newPid}\\].*Shutting down: Master`));
    await eventually(() => !isAlive(newPid) || isZombie(newPid), 'the new master has exited');
    t.true(existsSync(sock), 'no master removed the socket file');
  },
);

test.serial(
  '-b fd://N serves on TCP and unix sockets a parent process bound, and leaves the socket file',
  async (t) => {
    const tcp = bindSocket(t);
    const sock = join(tempDir(t), 'app.sock');
    const [unix] = await bindListeners([parseAddress(`unix:${sock}`)]);
    // Released, not closed: closing would unlink the file this spec checks corral leaves.
    t.teardown(() => unix!.release());
    const corral = startCorral(
      t,
      [app('listen-env-app.mjs'), '-w', '2', '-b', 'fd://3', '-b', 'fd://4'],
      { fds: [tcp.fd, unix!.fd] },
    );
    await corral.waitFor(/Ready: 2 workers serving/);
    const pid = corral.child.pid!;
    t.regex(
      corral.output(),
      new RegExp(`Listening at: http://127\\.0\\.0\\.1:${tcp.port} \\(${pid}\\), from fd://3`),
    );
    t.regex(
      corral.output(),
      new RegExp(`Listening at: unix:${escape(sock)} \\(${pid}\\), from fd://4`),
    );
    const workers = corral.workerPids();
    t.true(workers.includes((await ask({ port: tcp.port })).pid));
    t.true(workers.includes((await ask({ socketPath: sock })).pid));

    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
    t.true(existsSync(sock), 'the socket file belongs to the parent: corral leaves it');
  },
);

test.serial(
  'a bad fd:// is exit 1 with a message naming it, and leaves nothing behind',
  async (t) => {
    const dir = tempDir(t);
    const pidfile = join(dir, 'corral.pid');
    const file = join(dir, 'not-a-socket.txt');
    closeSync(openSync(file, 'w'));
    const fileFd = openSync(file, 'r');
    t.teardown(() => closeSync(fileFd));
    const cases: [string[], number[], RegExp][] = [
      [['fd://999'], [], /cannot listen at fd:\/\/999: file descriptor 999 is not open/],
      [
        ['fd://3'],
        [fileFd],
        /cannot listen at fd:\/\/3: file descriptor 3 is a regular file, not a socket/,
      ],
      // Before the bad one, a good TCP socket: adopted, then given up again.
      [
        ['127.0.0.1:0', 'fd://3'],
        [fileFd],
        /cannot listen at fd:\/\/3: file descriptor 3 is a regular file, not a socket/,
      ],
    ];
    for (const [binds, fds, message] of cases) {
      const args = [app('pid-app.mjs'), '-p', pidfile, ...binds.flatMap((bind) => ['-b', bind])];
      const corral = startCorral(t, args, { fds });
      t.is((await corral.exited).code, 1, binds.join(' '));
      t.regex(corral.output(), message);
      t.notRegex(corral.output(), /Booting worker/);
      t.false(existsSync(pidfile), 'the PID file is removed again');
    }
  },
);

test.serial(
  'a datagram socket from systemd-socket-activate is exit 1 with a message naming it',
  async (t) => {
    const probe = createSocket('udp4');
    probe.bind(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address();
    probe.close();
    const corral = startCorral(t, [app('pid-app.mjs'), '-w', '2'], {
      wrap: [SOCKET_ACTIVATE, '--datagram', '-l', `127.0.0.1:${port}`, '--'],
    });
    await corral.waitFor(/as 3\./);
    // The tool execs corral on the first datagram.
    const sender = createSocket('udp4');
    t.teardown(() => sender.close());
    sender.send('hello', port, '127.0.0.1');
    t.is((await corral.exited).code, 1);
    t.regex(
      corral.output(),
      /cannot listen at the systemd socket at fd 3: the socket at file descriptor 3 is a UDP \(datagram\) socket; HTTP needs a stream socket/,
    );
    t.notRegex(corral.output(), /Booting worker/);
  },
);

/** A new master outlives the spec's child and is reaped by init later; a zombie has exited. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z';
  } catch {
    return false;
  }
}
