// Requests RFC 9110/9112 tell a server to refuse, sent over a raw socket to a real worker: the
// ones Node's parser lets through (corral's own rules) and the ones it refuses itself (answered
// by the clientError handler). Each gets its status with Connection: close, the app is never
// called, and a normal request afterwards is served. Forbidden trailer fields reach the app's
// request stream as an abort, never as a complete body.
import test from 'ava';
import { bindSocket } from '../../helpers/bound-socket.ts';
import { exchange } from '../../helpers/raw-exchange.ts';
import { waitUntil } from '../../helpers/wait.ts';
import { startWorker } from '../../helpers/worker-harness.ts';

const crlf = (...lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;
const chunked = 'Transfer-Encoding: chunked';

/** Requests Node passes to the server's listener and corral refuses, with their status. */
const refusedByCorral: Array<[string, string, number]> = [
  ['a second Host', crlf('GET / HTTP/1.1', 'Host: a', 'Host: b'), 400],
  ['Host with userinfo', crlf('GET / HTTP/1.1', 'Host: evil@good'), 400],
  ['Host with a space', crlf('GET / HTTP/1.1', 'Host: a b'), 400],
  [
    'a second Authorization',
    crlf('GET / HTTP/1.1', 'Host: a', 'Authorization: x', 'authorization: y'),
    400,
  ],
  [
    'a second Content-Type',
    crlf('GET / HTTP/1.1', 'Host: a', 'Content-Type: a/b', 'Content-Type: c/d'),
    400,
  ],
  [
    'Transfer-Encoding on HTTP/1.0',
    `${crlf('POST / HTTP/1.0', chunked)}3\r\nabc\r\n0\r\n\r\n`,
    400,
  ],
  [
    'a coding before chunked',
    `${crlf('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: gzip, chunked')}0\r\n\r\n`,
    501,
  ],
  ['asterisk-form with GET', crlf('GET * HTTP/1.1', 'Host: a'), 400],
  ['a fragment in the target', crlf('GET /a#b HTTP/1.1', 'Host: a'), 400],
  ['HTTP/2.0 on an HTTP/1.1 connection', crlf('GET / HTTP/2.0', 'Host: a'), 400],
  ['HTTP/0.9 in a request line', crlf('GET / HTTP/0.9', 'Host: a'), 400],
];

/** Requests Node's parser refuses; corral answers them. */
const refusedByParser: Array<[string, string, number]> = [
  [
    'Content-Length with Transfer-Encoding',
    `${crlf('POST / HTTP/1.1', 'Host: a', 'Content-Length: 3', chunked)}0\r\n\r\n`,
    400,
  ],
  [
    'two Content-Length fields',
    `${crlf('POST / HTTP/1.1', 'Host: a', 'Content-Length: 1', 'Content-Length: 1')}a`,
    400,
  ],
  ['a signed Content-Length', `${crlf('POST / HTTP/1.1', 'Host: a', 'Content-Length: +1')}a`, 400],
  ['whitespace before a colon', crlf('GET / HTTP/1.1', 'Host: a', 'X-A : b'), 400],
  ['obs-fold', crlf('GET / HTTP/1.1', 'Host: a', 'X-A: b', ' c'), 400],
  ['a bare CR', crlf('GET / HTTP/1.1', 'Host: a\rX-A: b'), 400],
  ['NUL in a value', crlf('GET / HTTP/1.1', 'Host: a', 'X-A: b\0c'), 400],
  ['authority-form with GET', crlf('GET example.com:80 HTTP/1.1', 'Host: a'), 400],
  ['HTTP/1.2', crlf('GET / HTTP/1.2', 'Host: a'), 400],
  ['a lower-case method', crlf('get / HTTP/1.1', 'Host: a'), 400],
  ['HTTP/1.1 without Host', crlf('GET / HTTP/1.1'), 400],
  ['a bad request line', crlf('GET /a b HTTP/1.1', 'Host: a'), 400],
];

test.serial('smuggling and malformed requests get 400 and never reach the app', async (t) => {
  t.timeout(90_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { app: 'recording-app.mjs' });
  await worker.waitForMessage('ready');

  for (const [what, bytes, status] of [...refusedByCorral, ...refusedByParser]) {
    const reply = await exchange(socket.port, bytes);
    t.is(reply.status, status, what);
    t.true(reply.closes, `${what}: Connection: close`);
  }
  const normal = await exchange(
    socket.port,
    crlf('GET /after HTTP/1.1', 'Host: a', 'Connection: close'),
  );
  t.is(normal.status, 200, 'a normal request afterwards');
  t.is(worker.stdout(), 'called GET /after\nended GET /after 0\n', 'only that one reached the app');
  t.regex(worker.stderr(), /Invalid request from ip=127\.0\.0\.1: more than one Host field/);
});

test.serial('what RFC 9112 allows still reaches the app', async (t) => {
  t.timeout(60_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { app: 'recording-app.mjs' });
  await worker.waitForMessage('ready');

  const allowed = [
    crlf('OPTIONS * HTTP/1.1', 'Host: a', 'Connection: close'),
    crlf('GET http://a/abs HTTP/1.1', 'Host: a', 'Connection: close'),
    crlf('GET /old HTTP/1.0'),
    crlf('GET / HTTP/1.1', 'Host: [::1]:8080', 'Connection: close'),
    `${crlf('POST /chunked HTTP/1.1', 'Host: a', chunked, 'Connection: close')}3\r\nabc\r\n0\r\nX-Sum: 1\r\n\r\n`,
  ];
  for (const bytes of allowed) t.is((await exchange(socket.port, bytes)).status, 200, bytes);
  t.is(worker.stdout().match(/^ended /gm)?.length, allowed.length);
  t.regex(worker.stdout(), /ended POST \/chunked 3/);
});

test.serial('a forbidden trailer field aborts the body for the app and gets 400', async (t) => {
  t.timeout(60_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { app: 'recording-app.mjs' });
  await worker.waitForMessage('ready');

  for (const field of ['Host: evil', 'Transfer-Encoding: chunked', 'Authorization: x']) {
    const target = `/trailer-${field.split(':')[0]}`;
    const head = crlf(`POST ${target} HTTP/1.1`, 'Host: a', chunked);
    const reply = await exchange(socket.port, `${head}3\r\nabc\r\n0\r\n${field}\r\n\r\n`);
    t.is(reply.status, 400, field);
    t.true(reply.closes, `${field}: Connection: close`);
    await waitUntil(() => worker.stdout().includes(`aborted POST ${target}`), `${target} aborted`);
    t.false(worker.stdout().includes(`ended POST ${target}`), `${field}: the body never ended`);
  }
  const normal = await exchange(
    socket.port,
    crlf('GET /after HTTP/1.1', 'Host: a', 'Connection: close'),
  );
  t.is(normal.status, 200, 'a normal request afterwards');
});
