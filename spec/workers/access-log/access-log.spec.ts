/**
 * The access log, atom by atom, against Gunicorn's meaning: real requests over a raw socket to
 * a real worker, whose access log file is then read back.
 */
import test, { type ExecutionContext } from 'ava';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindSocket } from '../../helpers/bound-socket.ts';
import { waitUntil, within } from '../../helpers/wait.ts';
import { defaultHttpConfig, startWorker, type WorkerHandle } from '../../helpers/worker-harness.ts';

const http = defaultHttpConfig;

/** Every atom, `|`-separated, in the order of `names`. */
const names = [
  'h', 'l', 'u', 't', 'r', 'm', 'U', 'q', 'H', 's', 'B', 'b', 'f', 'a', 'T', 'M', 'D', 'L', 'p',
  '{X-Custom}i', '{x-missing}i', '{x-served-by}o', '{content-type}o', '{home}e', 'nope',
]; // prettier-ignore
const everyAtom = names.map((name) => `%(${name})s`).join('|');

test.serial('every atom means what it means in Gunicorn', async (t) => {
  const { worker, lines, port } = await serve(t, everyAtom);
  const credentials = Buffer.from('alice:secret').toString('base64');
  await send(port, [
    'GET /caf%C3%A9/menu?day=mon&x=%22 HTTP/1.1',
    `Authorization: Basic ${credentials}`,
    'Referer: http://example.com/from',
    'User-Agent: spec "agent"',
    'X-Custom: custom value',
  ]);
  const [line] = await lines(1);
  const atoms = Object.fromEntries(line!.split('|').map((value, i) => [names[i], value]));
  t.like(atoms, {
    h: '127.0.0.1',
    l: '-',
    u: 'alice',
    r: 'GET /caf%C3%A9/menu?day=mon&x=%22 HTTP/1.1',
    m: 'GET',
    U: '/café/menu',
    q: 'day=mon&x=%22',
    H: 'HTTP/1.1',
    s: '200',
    B: '5',
    b: '5',
    f: 'http://example.com/from',
    a: 'spec \\"agent\\"',
    p: `<${worker.pid}>`,
    '{X-Custom}i': 'custom value',
    '{x-missing}i': '-',
    '{x-served-by}o': 'access-log-app',
    '{content-type}o': 'text/plain',
    '{home}e': '-',
    nope: '-',
  });
  t.regex(atoms.t!, /^\[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\]$/);
  const micros = Number(atoms.D);
  t.true(Number.isInteger(micros) && micros >= 0);
  t.is(Number(atoms.M), Math.trunc(micros / 1000));
  t.is(Number(atoms.T), Math.trunc(micros / 1e6));
  t.is(atoms.L, `${Math.trunc(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`);
});

test.serial('durations run from the request to the end of the response', async (t) => {
  const { lines, port } = await serve(t, '%(s)s %(D)s %({x-waited-us}o)s');
  await send(port, ['GET /status?code=201&ms=300 HTTP/1.1']);
  const [line] = await lines(1);
  const [status, micros, waited] = line!.split(' ').map(Number);
  t.is(status, 201);
  // The app's own wait lies inside the request, so the request took at least as long.
  t.true(waited! > 0 && micros! >= waited!, `D is ${micros}, the app waited ${waited}`);
});

test.serial('bytes: b is 0, not "-", for an empty body; chunks of both kinds add up', async (t) => {
  const { lines, port } = await serve(t, '%(U)s %(B)s %(b)s');
  await send(port, ['GET /status?code=204 HTTP/1.1']);
  await send(port, ['GET /streamed HTTP/1.1']);
  t.deepEqual(await lines(2), ['/status 0 0', '/streamed 5 5']);
});

test.serial('u is "-" without Basic credentials or without a colon in them', async (t) => {
  const { lines, port } = await serve(t, '%(u)s');
  await send(port, ['GET / HTTP/1.1', 'Authorization: Bearer abc']);
  await send(port, ['GET / HTTP/1.1', `Authorization: Basic ${btoa('nocolon')}`]);
  await send(port, ['GET / HTTP/1.1', `Authorization: basic ${btoa('bob:')}`]);
  t.deepEqual(await lines(3), ['-', '-', 'bob']);
});

test.serial("Python's %-format: %%, a width, and %d on a number", async (t) => {
  const { lines, port } = await serve(t, '100%% [%(s)5s] [%(m)-5s] %(s)d %(B)d');
  await send(port, ['GET / HTTP/1.1']);
  t.deepEqual(await lines(1), ['100% [  200] [GET  ] 200 5']);
});

test.serial("the default is Apache's combined format, and '-' writes to stdout", async (t) => {
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, {
    app: 'access-log-app.mjs',
    http: { ...http, accessLogfile: '-' },
  });
  await worker.waitForMessage('ready');
  await send(socket.port, ['GET /?a=1 HTTP/1.0', 'Referer: http://r/', 'User-Agent: ua/1']);
  await waitUntil(() => worker.stdout().includes('\n'), 'an access line on stdout');
  t.regex(
    worker.stdout(),
    /^127\.0\.0\.1 - - \[[^\]]+\] "GET \/\?a=1 HTTP\/1\.0" 200 5 "http:\/\/r\/" "ua\/1"\n$/,
  );
});

test.serial('off by default: no access line anywhere', async (t) => {
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { app: 'access-log-app.mjs', http });
  await worker.waitForMessage('ready');
  await send(socket.port, ['GET / HTTP/1.1']);
  worker.kill('SIGTERM');
  await worker.waitForExit();
  t.is(worker.stdout(), '');
  t.notRegex(worker.stderr(), /GET \//);
});

test.serial('USR1 sent to a worker reopens its log and starts no inspector', async (t) => {
  const { worker, lines, port, file } = await serve(t, '%(U)s');
  await send(port, ['GET /before HTTP/1.1']);
  t.deepEqual(await lines(1), ['/before']);
  renameSync(file, `${file}.1`);
  worker.kill('SIGUSR1');
  await waitUntil(() => existsSync(file), 'the access log reopened');
  await send(port, ['GET /after HTTP/1.1']);
  t.deepEqual(await lines(1), ['/after']);
  t.is(readFileSync(`${file}.1`, 'utf8'), '/before\n');
  t.notRegex(worker.stderr(), /Debugger listening/);
});

interface Served {
  worker: WorkerHandle;
  port: number;
  file: string;
  /** Resolves with the first `count` lines of the access log file once it has them. */
  lines(count: number): Promise<string[]>;
}

async function serve(t: ExecutionContext, accessLogformat: string): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'corral-access-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'access.log');
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, {
    app: 'access-log-app.mjs',
    http: { ...http, accessLogfile: file, accessLogformat },
  });
  await worker.waitForMessage('ready');
  const read = () => readFileSync(file, 'utf8').split('\n').slice(0, -1);
  const lines = async (count: number) => {
    await waitUntil(() => read().length >= count, `${count} access lines`);
    return read().slice(0, count);
  };
  return { worker, port: socket.port, lines, file };
}

/** One request over a raw socket, `Connection: close`; resolves with the whole response. */
function send(port: number, head: string[]): Promise<string> {
  const request = `${[...head, 'Host: x', 'Connection: close'].join('\r\n')}\r\n\r\n`;
  const response = new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
  return within(response, `a response to ${head[0]}`);
}
