import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindListeners, type BoundListener } from '../../../actors/listeners/bind-listeners.ts';
import { describeErrno } from '../../../actors/listeners/server-handle.ts';
import { BindError } from '../../../errors.ts';
import { ExitCode } from '../../../protocol/exit-codes.ts';
import { parseAddress } from '../../../settings/parse-address.ts';

// Every scenario here binds real sockets and some count this process's fds: one at a time.

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-bind-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function bind(
  t: { teardown(fn: () => void): void },
  ...texts: string[]
): Promise<BoundListener[]> {
  const listeners = await bindListeners(texts.map(parseAddress));
  t.teardown(() => listeners.forEach((listener) => listener.close()));
  return listeners;
}

async function listeningServer(
  t: { teardown(fn: () => void): void },
  where: string | number,
): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  t.teardown(() => server.close());
  if (typeof where === 'string') server.listen(where);
  else server.listen(where, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** What connecting gets: 'connected', or the error code (ECONNREFUSED when nobody listens). */
async function tryConnect(
  options: { port: number; host: string } | { path: string },
): Promise<string> {
  const socket = connect(options);
  try {
    await once(socket, 'connect');
    return 'connected';
  } catch (error) {
    return String((error as { code?: unknown }).code);
  } finally {
    socket.destroy();
  }
}

/** The socket fds this process holds, by inode: a leaked bind shows up here. */
function openSockets(): Set<string> {
  const links = readdirSync('/proc/self/fd').map((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return '';
    }
  });
  return new Set(links.filter((link) => link.startsWith('socket:')));
}

/** A port that was free a moment ago, for scenarios that must name a port up front. */
async function freePort(host: string): Promise<number> {
  const server = createServer().listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

test.serial('binds 127.0.0.1 and ::1 on port 0 and reports the real ports', async (t) => {
  const [v4, v6] = await bind(t, '127.0.0.1:0', '[::1]:0');
  t.regex(v4!.url, /^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
  t.regex(v6!.url, /^http:\/\/\[::1\]:[1-9][0-9]*$/);
  t.deepEqual(v4!.address, { kind: 'tcp', host: '127.0.0.1', port: 0, family: 4 });
  t.true(Number.isInteger(v4!.fd) && v4!.fd > 2);
  t.not(v4!.fd, v6!.fd);
});

test.serial('the master only binds: nothing accepts until a worker listens', async (t) => {
  const [listener] = await bind(t, '127.0.0.1:0');
  const port = Number(new URL(listener!.url).port);
  t.is(await tryConnect({ host: '127.0.0.1', port }), 'ECONNREFUSED');
});

test.serial('a host name resolves to its IPv4 address', async (t) => {
  const [listener] = await bind(t, 'localhost:0');
  t.regex(listener!.url, /^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
});

test.serial('binds a unix socket, and close() removes its file', async (t) => {
  const path = join(tempDir(t), 'app.sock');
  const [listener] = await bind(t, `unix:${path}`);
  t.is(listener!.url, `unix:${path}`);
  t.true(lstatSync(path).isSocket());
  t.is(await tryConnect({ path }), 'ECONNREFUSED');
  listener!.close();
  listener!.close();
  t.false(existsSync(path));
});

test.serial('an address a server listens on is in use', async (t) => {
  const server = await listeningServer(t, 0);
  const { port } = server.address() as AddressInfo;
  const error = await t.throwsAsync(bindListeners([parseAddress(`127.0.0.1:${port}`)]), {
    instanceOf: BindError,
  });
  t.is(error.message, `cannot listen at 127.0.0.1:${port}: address already in use`);
  t.is(error.exitCode, ExitCode.Error);
  t.is(error.address, `127.0.0.1:${port}`);
});

test.serial('a unix socket a server answers on is in use, and is left alone', async (t) => {
  const path = join(tempDir(t), 'live.sock');
  await listeningServer(t, path);
  const error = await t.throwsAsync(bindListeners([parseAddress(`unix:${path}`)]), {
    instanceOf: BindError,
  });
  t.is(error.message, `cannot listen at unix:${path}: address already in use`);
  t.is(await tryConnect({ path }), 'connected');
});

test.serial(
  'a stale unix socket left by a killed server is removed and bound afresh',
  async (t) => {
    const path = join(tempDir(t), 'stale.sock');
    const code = `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.send('up'))`;
    const child = spawn(process.execPath, ['-e', code], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    t.teardown(() => child.kill('SIGKILL'));
    await once(child, 'message');
    child.kill('SIGKILL');
    await once(child, 'exit');
    t.true(lstatSync(path).isSocket(), 'the killed server left its socket file');
    t.is(await tryConnect({ path }), 'ECONNREFUSED');
    const [listener] = await bind(t, `unix:${path}`);
    t.is(listener!.url, `unix:${path}`);
    t.true(lstatSync(path).isSocket());
  },
);

test.serial('a path that is not a socket is refused and left as it is', async (t) => {
  const path = join(tempDir(t), 'notes.txt');
  writeFileSync(path, 'keep me');
  const error = await t.throwsAsync(bindListeners([parseAddress(`unix:${path}`)]), {
    instanceOf: BindError,
  });
  t.is(error.message, `cannot listen at unix:${path}: ${path} exists and is not a socket`);
  t.is(readFileSync(path, 'utf8'), 'keep me');
});

test.serial('a unix socket in a missing directory says so', async (t) => {
  const path = join(tempDir(t), 'missing', 'app.sock');
  await t.throwsAsync(bindListeners([parseAddress(`unix:${path}`)]), {
    instanceOf: BindError,
    message: /the directory .*missing does not exist$/,
  });
});

test.serial('an address this machine does not have cannot be assigned', async (t) => {
  // 192.0.2.0/24 is TEST-NET-1: documentation only, never a local address.
  await t.throwsAsync(bindListeners([parseAddress('192.0.2.1:0')]), {
    instanceOf: BindError,
    message: 'cannot listen at 192.0.2.1:0: cannot assign requested address',
  });
});

test.serial('when the second address fails, the first is closed again', async (t) => {
  const server = await listeningServer(t, 0);
  const inUse = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const port = await freePort('127.0.0.1');
  const before = openSockets();
  await t.throwsAsync(bindListeners([`127.0.0.1:${port}`, inUse].map(parseAddress)), {
    instanceOf: BindError,
    message: new RegExp(`at ${inUse}: address already in use`),
  });
  // Rebinding alone would not prove it: sockets that only bind may share a port (SO_REUSEADDR).
  t.deepEqual(openSockets(), before);
  const [again] = await bind(t, `127.0.0.1:${port}`);
  t.is(again!.url, `http://127.0.0.1:${port}`);
});

test.serial('when a later address fails, an earlier unix socket file is removed', async (t) => {
  const server = await listeningServer(t, 0);
  const path = join(tempDir(t), 'first.sock');
  const inUse = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  await t.throwsAsync(bindListeners([`unix:${path}`, inUse].map(parseAddress)), {
    instanceOf: BindError,
  });
  t.false(existsSync(path));
});

test.serial('an address listed twice, or covered by a wildcard, is refused', async (t) => {
  const port = await freePort('0.0.0.0');
  const before = openSockets();
  await t.throwsAsync(bindListeners([`0.0.0.0:${port}`, `127.0.0.1:${port}`].map(parseAddress)), {
    instanceOf: BindError,
    message: `cannot listen at 127.0.0.1:${port}: overlaps with http://0.0.0.0:${port}`,
  });
  t.deepEqual(openSockets(), before);
  const path = join(tempDir(t), 'twice.sock');
  await t.throwsAsync(bindListeners([`unix:${path}`, `unix:${path}`].map(parseAddress)), {
    instanceOf: BindError,
    message: /listed more than once$/,
  });
  t.false(existsSync(path));
});

/** Starts a child with the fd as its fd 3; it listens there and answers with its pid. */
async function serveFromChild(t: { teardown(fn: () => void): void }, fd: number): Promise<number> {
  const code = [
    "const server = require('node:http').createServer((req, res) => res.end(String(process.pid)));",
    "server.listen({ fd: 3 }, () => process.send('listening'));",
  ].join('\n');
  const child = spawn(process.execPath, ['-e', code], {
    stdio: ['ignore', 'inherit', 'inherit', fd, 'ipc'],
  });
  t.teardown(() => child.kill('SIGKILL'));
  await once(child, 'message');
  return child.pid!;
}

function get(options: { host: string; port: number } | { socketPath: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ ...options, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject).end();
  });
}

test.serial('the fds are real: a child that listens on fd 3 accepts connections', async (t) => {
  const path = join(tempDir(t), 'served.sock');
  const [tcp, unix] = await bind(t, '127.0.0.1:0', `unix:${path}`);
  const tcpChild = await serveFromChild(t, tcp!.fd);
  const url = new URL(tcp!.url);
  t.is(await get({ host: url.hostname, port: Number(url.port) }), String(tcpChild));
  const unixChild = await serveFromChild(t, unix!.fd);
  t.is(await get({ socketPath: path }), String(unixChild));
});

test('bind failures read as plain words', (t) => {
  t.is(describeErrno(-constants.errno.EADDRINUSE), 'address already in use');
  t.is(describeErrno(-constants.errno.EADDRNOTAVAIL), 'cannot assign requested address');
  t.is(describeErrno(-constants.errno.EACCES), 'permission denied');
  t.is(describeErrno(-constants.errno.EMFILE), 'failed with EMFILE');
});
