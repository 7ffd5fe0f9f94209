// Apps that bring their own server: a server.js that calls listen itself, an exported
// http.Server with `ws` on it, Socket.IO, Fastify (exported or listening itself), an https
// server with its own certificate. Real masters, real clients, real signals.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { io as ioClient } from 'socket.io-client';
import WebSocket from 'ws';
import { exchange } from '../helpers/raw-exchange.ts';
import { makeCertificates } from '../helpers/test-certificates.ts';
import {
  DEADLINE_MS,
  eventually,
  get,
  isAlive,
  startCorral,
  type CorralProcess,
} from './corral-process.ts';

const apps = fileURLToPath(new URL('../fixtures/apps/', import.meta.url));

/** A WebSocket client that keeps every message it got. */
interface Client {
  socket: WebSocket;
  messages: string[];
  closed: Promise<number>;
  waitForMessage(pattern: RegExp): Promise<string>;
}

async function openClient(port: number, path = '/chat'): Promise<Client> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  const messages: string[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data: Buffer) => {
    messages.push(data.toString());
    for (const wake of waiters) wake();
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const waitForMessage = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no message ${pattern}; got ${JSON.stringify(messages)}`)),
        DEADLINE_MS,
      );
      const check = () => {
        const found = messages.find((message) => pattern.test(message));
        if (found === undefined) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(found);
      };
      waiters.add(check);
      check();
    });
  return { socket, messages, closed, waitForMessage };
}

async function serve(t: Parameters<typeof startCorral>[0], args: string[]) {
  const corral = startCorral(t, [...args, '-b', '127.0.0.1:0']);
  const port = await corral.port();
  await corral.waitFor(/Ready: \d+ workers? serving/);
  return { corral, port };
}

async function stoppedCleanly(t: Parameters<typeof startCorral>[0], corral: CorralProcess) {
  t.is((await corral.exited).code, 0);
  await noWorkerLeft(corral);
}

async function noWorkerLeft(corral: CorralProcess): Promise<void> {
  const pids = corral.workerPids();
  await eventually(() => !pids.some(isAlive), `every worker of ${pids.join(', ')} has exited`);
}

const scripts = [
  { app: 'script-http.mjs', path: '/x', says: /^script \d+ \/x$/, asked: 'port 3000' },
  { app: 'script-express.mjs', path: '/user/ada', says: /"name":"ada"/, asked: 'port 3000' },
  { app: 'script-late-listen.mjs', path: '/', says: /^late$/, asked: 'port 3000' },
  { app: 'script-awaits-listening.mjs', path: '/', says: /^awaited$/, asked: 'port 3000' },
  { app: 'fastify-script.mjs', path: '/', says: /fastify script/, asked: 'localhost:3000' },
];

for (const script of scripts) {
  test.serial(`a ${script.app} that listens itself is served on -b, unchanged`, async (t) => {
    const { corral, port } = await serve(t, [`${apps}${script.app}`, '-w', '2']);
    const { status, body } = await get(port, script.path);
    t.is(status, 200);
    t.regex(body, script.says);
    t.regex(
      corral.output(),
      new RegExp(
        `The app asked to listen on ${script.asked}; corral serves it on http://127\\.0\\.0\\.1:${port} \\(-b\\)`,
      ),
    );
    corral.signal('SIGTERM');
    await stoppedCleanly(t, corral);
  });
}

test.serial("the app's listen callback and address() see the inherited socket", async (t) => {
  const { corral, port } = await serve(t, [`${apps}script-http.mjs`]);
  await corral.waitFor(new RegExp(`app listening on ${port}\\b`));
  t.pass();
  corral.signal('SIGTERM');
  await stoppedCleanly(t, corral);
});

test.serial('a script that listens on two ports stops the master with exit 4', async (t) => {
  const corral = startCorral(t, [`${apps}script-two-ports.mjs`, '-w', '2', '-b', '127.0.0.1:0']);
  t.is((await corral.exited).code, 4);
  t.regex(corral.output(), /asked to listen on port 3001 after port 3000/);
  await noWorkerLeft(corral);
});

test.serial(
  'a script that never listens fails its boot with exit 4, naming the wait',
  async (t) => {
    const corral = startCorral(t, [
      `${apps}script-never-listens.mjs`,
      '--boot-timeout',
      '2',
      '-b',
      '127.0.0.1:0',
    ]);
    t.is((await corral.exited).code, 4);
    t.regex(corral.output(), /exports nothing and did not call listen\(\) within [\d.]+ s/);
    await noWorkerLeft(corral);
  },
);

test.serial('an exported http.Server serves HTTP and WebSocket upgrades, logged', async (t) => {
  const { corral, port } = await serve(t, [`${apps}server-export.mjs`, '--access-logfile', '-']);
  t.regex((await get(port, '/page')).body, /^http \d+ \/page$/);
  const client = await openClient(port, '/chat');
  await client.waitForMessage(/^hello \d+ \/chat$/);
  client.socket.send('ping');
  await client.waitForMessage(/^echo ping$/);
  client.socket.close();
  await client.closed;
  // One line for the upgrade, written when the connection closed.
  await corral.waitFor(/"GET \/chat HTTP\/1\.1" 101 /);
  corral.signal('SIGTERM');
  await stoppedCleanly(t, corral);
});

/** Longer than the second an idle keep-alive connection gets once a drain began. */
const PAST_IDLE_GRACE_MS = 1_500;

test.serial('a graceful stop leaves a WebSocket to the app, then ends it', async (t) => {
  t.timeout(60_000);
  const { corral, port } = await serve(t, [`${apps}server-export.mjs`, '--graceful-timeout', '10']);
  const client = await openClient(port);
  await client.waitForMessage(/^hello/);
  corral.signal('SIGTERM');
  // The app heard the stop (its own SIGTERM listener), and the connection outlives the grace an
  // idle HTTP connection gets.
  await client.waitForMessage(/^server stopping$/);
  await sleep(PAST_IDLE_GRACE_MS);
  client.socket.send('still here');
  await client.waitForMessage(/^echo still here$/);
  // The worker ends it at the end of the grace and exits by itself.
  t.is(await client.closed, 1006);
  await stoppedCleanly(t, corral);
  t.notRegex(corral.output(), /SIGKILL/);
});

test.serial('a quick stop ends a WebSocket at once', async (t) => {
  const { corral, port } = await serve(t, [`${apps}server-export.mjs`, '--graceful-timeout', '60']);
  const client = await openClient(port);
  await client.waitForMessage(/^hello/);
  corral.signal('SIGINT');
  t.is(await client.closed, 1006);
  await stoppedCleanly(t, corral);
});

test.serial('a WebSocket counts toward --worker-connections', async (t) => {
  const { port } = await serve(t, [
    `${apps}server-export.mjs`,
    '-w',
    '2',
    '--worker-connections',
    '1',
  ]);
  const client = await openClient(port);
  const busy = Number((await client.waitForMessage(/^hello \d+/)).split(' ')[1]);
  // The worker holding the WebSocket is at its limit: every new connection goes to the other.
  for (let i = 0; i < 10; i += 1) {
    const { body } = await get(port, '/', { headers: { connection: 'close' } });
    t.notRegex(body, new RegExp(`^http ${busy} `));
  }
  client.socket.close();
});

test.serial('a recycle (--max-requests) does not cut a live WebSocket', async (t) => {
  const { corral, port } = await serve(t, [
    `${apps}server-export.mjs`,
    '--max-requests',
    '3',
    '--graceful-timeout',
    '30',
  ]);
  const client = await openClient(port);
  const first = (await client.waitForMessage(/^hello \d+/)).split(' ')[1];
  for (let i = 0; i < 3; i += 1) await get(port, '/', { headers: { connection: 'close' } });
  await corral.waitFor(/Worker 2 \(pid:\d+\) ready/);
  // The recycled worker is draining; its WebSocket is still served past an idle connection's grace.
  await sleep(PAST_IDLE_GRACE_MS);
  client.socket.send('after the recycle');
  await client.waitForMessage(/^echo after the recycle$/);
  t.regex((await get(port, '/')).body, new RegExp(`^http (?!${first} )\\d+ `));
  client.socket.close();
  await client.closed;
  await corral.waitFor(/Worker 1 \(pid:\d+\) exited \(code 0\)/);
  corral.signal('SIGTERM');
  await stoppedCleanly(t, corral);
});

test.serial('Socket.IO on an exported http.Server', async (t) => {
  const { corral, port } = await serve(t, [`${apps}socket-io-app.mjs`]);
  const socket = ioClient(`http://127.0.0.1:${port}`, { reconnection: false });
  t.teardown(() => socket.close());
  const answer = await new Promise<string>((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once('connect', () => socket.emit('ping', 'hi', resolve));
  });
  t.regex(answer, /^pong hi from \d+$/);
  // Its upgrade from polling to WebSocket went through the server corral serves.
  await new Promise<void>((resolve) => {
    if (socket.io.engine.transport.name === 'websocket') return resolve();
    socket.io.engine.once('upgrade', () => resolve());
  });
  t.is(socket.io.engine.transport.name, 'websocket');
  t.regex((await get(port, '/')).body, /^plain \d+$/);
  socket.close();
  corral.signal('SIGTERM');
  await stoppedCleanly(t, corral);
});

test.serial(
  'an exported Fastify instance keeps its hooks, plugins, errors and bodies',
  async (t) => {
    const { corral, port } = await serve(t, [`${apps}fastify-app.mjs`]);
    const root = await get(port, '/');
    t.is(root.headers.get('x-hook'), 'onRequest');
    t.like(JSON.parse(root.body), { hello: 'fastify' });
    t.deepEqual(JSON.parse((await get(port, '/plugin')).body), { from: 'plugin' });
    const boom = await get(port, '/boom');
    t.is(boom.status, 418);
    t.deepEqual(JSON.parse(boom.body), { handled: 'boom' });
    const echo = await get(port, '/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    });
    t.deepEqual(JSON.parse(echo.body), { got: { a: 1 } });
    corral.signal('SIGTERM');
    await stoppedCleanly(t, corral);
  },
);

test.serial('a script with its own https server keeps its own certificate', async (t) => {
  const certs = makeCertificates(t);
  const corral = startCorral(t, [`${apps}script-https.mjs`, '-b', '127.0.0.1:0'], {
    env: { APP_KEY: certs.server.key, APP_CERT: certs.server.cert },
  });
  const port = await corral.port();
  await corral.waitFor(/Ready: 1 worker serving/);
  const body = await new Promise<string>((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path: '/', ca: readFileSync(certs.server.cert) },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
    req.end();
  });
  t.regex(body, /^own tls \d+$/);
  corral.signal('SIGTERM');
  await stoppedCleanly(t, corral);
});

const crlf = (...lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

test.serial("a script's own server gets strict requests, limits and the access log", async (t) => {
  const { corral, port } = await serve(t, [
    `${apps}script-http.mjs`,
    '--access-logfile',
    '-',
    '--limit-request-line',
    '64',
  ]);
  const twoHosts = await exchange(port, crlf('GET /two HTTP/1.1', 'Host: a', 'Host: b'));
  t.is(twoHosts.status, 400);
  const longLine = await exchange(port, crlf(`GET /${'x'.repeat(100)} HTTP/1.1`, 'Host: a'));
  t.is(longLine.status, 414);
  const smuggled = crlf(
    'POST /both HTTP/1.1',
    'Host: a',
    'Content-Length: 3',
    'Transfer-Encoding: chunked',
  );
  t.is((await exchange(port, `${smuggled}abc`)).status, 400);
  const fine = await exchange(port, crlf('GET /fine HTTP/1.1', 'Host: a', 'Connection: close'));
  t.is(fine.status, 200);
  await corral.waitFor(/"GET \/fine HTTP\/1\.1" 200 /);
  t.regex(corral.output(), /more than one Host field/);
  t.regex(corral.output(), /"GET \/two HTTP\/1\.1" 400 /);
  corral.signal('SIGTERM');
  await stoppedCleanly(t, corral);
});

const appExamples = [
  'examples/server.js',
  'examples/websocket.mjs',
  'examples/fastify.mjs',
  'examples/nest-express.mjs',
  'examples/nest-fastify.mjs',
];

for (const example of appExamples) {
  test.serial(`${example} serves as its comment says`, async (t) => {
    const { corral, port } = await serve(t, [example, '-w', '2']);
    const { status, body } = await get(port, '/');
    t.is(status, 200);
    t.regex(body, /^Hello from worker \d+/);
    if (example.endsWith('websocket.mjs')) {
      const client = await openClient(port, '/');
      await client.waitForMessage(/^Hello from worker \d+$/);
      corral.signal('SIGTERM');
      // The example closes its clients itself when it hears the stop.
      t.is(await client.closed, 1001);
    } else {
      corral.signal('SIGTERM');
    }
    await stoppedCleanly(t, corral);
  });
}

test.serial("a server.js's standby listens its own server and serves once promoted", async (t) => {
  const { corral, port } = await serve(t, [`${apps}script-http.mjs`, '--standby', '1']);
  const held = await corral.waitFor(/Standby worker 2 \(pid:(\d+)\) ready/);
  const standby = Number(held[1]);
  const serving = Number((await get(port, '/')).body.split(' ')[1]);
  t.not(serving, standby);
  process.kill(serving, 'SIGKILL');
  await corral.waitFor(new RegExp(`Worker 2 \\(pid:${standby}\\) ready`));
  t.is(Number((await get(port, '/')).body.split(' ')[1]), standby);
  corral.signal('SIGTERM');
  await stoppedCleanly(t, corral);
});
