// A corpus of raw HTTP/1.x requests, valid and invalid, from RFC 9112 and 9110 (framing, field
// syntax, targets, versions) and the published smuggling cases (CL.TE, TE.CL, TE.TE, bare LF,
// obs-fold, NUL and control bytes, chunk-size and chunk-extension abuse), each with its outcome:
// refused before the app with a status, or reaching the app parsed exactly so. Where corral's
// outcome is one the RFC leaves open (a MAY) or differs from it, docs/requests.md says so.
// (The hand-picked cases of strict-requests.spec.ts and request-limits.spec.ts are not repeated.)
import test from 'ava';
import { bindSocket } from '../../helpers/bound-socket.ts';
import { exchange } from '../../helpers/raw-exchange.ts';
import { waitUntil } from '../../helpers/wait.ts';
import { startWorker } from '../../helpers/worker-harness.ts';

const crlf = (...lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;
const post = (target: string, ...fields: string[]) =>
  crlf(`POST ${target} HTTP/1.1`, 'Host: a', ...fields);
const chunked = 'Transfer-Encoding: chunked';

/**
 * Refused with this status before the app is called; or served, the app printing these lines;
 * or, for a body that breaks its framing after the headers were good, refused with the status
 * while the app, already called, sees its request body abort and never end (`aborted`).
 */
type Outcome = number | { statuses: number[]; app: string[]; never?: string };
const served = (...app: string[]): Outcome => ({ statuses: [200], app });
const aborted = (status: number, target: string): Outcome => ({
  statuses: [status],
  app: [`aborted POST ${target}`],
  never: `ended POST ${target}`,
});

const corpus: Array<[what: string, request: string, outcome: Outcome]> = [
  // Framing: RFC 9112 §6.1 and §6.3.
  ['CL.TE', `${post('/p1', 'Content-Length: 6', chunked)}0\r\n\r\nG`, 400],
  ['TE.CL', `${post('/p2', chunked, 'Content-Length: 3')}0\r\n\r\n`, 400],
  [
    'TE.TE: a second Transfer-Encoding field',
    `${post('/p3', chunked, 'Transfer-Encoding: x')}0\r\n\r\n`,
    400,
  ],
  ['Transfer-Encoding: xchunked', `${post('/p4', 'Transfer-Encoding: xchunked')}0\r\n\r\n`, 400],
  ['Transfer-Encoding: gzip, without chunked', `${post('/p5', 'Transfer-Encoding: gzip')}abc`, 400],
  ['Transfer-Encoding: identity', `${post('/p6', 'Transfer-Encoding: identity')}abc`, 400],
  ['chunked applied twice', `${post('/p7', 'Transfer-Encoding: chunked, chunked')}0\r\n\r\n`, 400],
  ['a space before the colon', `${post('/p8', 'Transfer-Encoding : chunked')}0\r\n\r\n`, 400],
  ['a vertical tab as whitespace', `${post('/p9', 'Transfer-Encoding:\x0bchunked')}0\r\n\r\n`, 400],
  [
    'a trailing comma after chunked',
    `${post('/p10', 'Transfer-Encoding: chunked ,')}0\r\n\r\n`,
    400,
  ],
  [
    'a tab as whitespace',
    `${post('/p11', 'Transfer-Encoding:\tchunked')}3\r\nabc\r\n0\r\n\r\n`,
    served('ended POST /p11 3'),
  ],
  [
    'CHUNKED in capitals',
    `${post('/p12', 'Transfer-Encoding: CHUNKED')}3\r\nabc\r\n0\r\n\r\n`,
    served('ended POST /p12 3'),
  ],
  [
    'Content-Length with whitespace',
    `${post('/p13', 'Content-Length:  3 ')}abc`,
    served('ended POST /p13 3'),
  ],
  ['Content-Length: 3, 3', `${post('/p14', 'Content-Length: 3, 3')}abc`, 400],
  ['Content-Length: -1', `${post('/p15', 'Content-Length: -1')}a`, 400],
  ['Content-Length: 0x3', `${post('/p16', 'Content-Length: 0x3')}abc`, 400],
  ['Content-Length past 2^64', `${post('/p17', 'Content-Length: 99999999999999999999')}abc`, 400],
  [
    'two Content-Length values',
    `${post('/p18', 'Content-Length: 3', 'Content-Length: 4')}abcd`,
    400,
  ],
  // Chunks: RFC 9112 §7.1.
  [
    'a chunk size past 2^64',
    `${post('/p19', chunked)}fffffffffffffffff\r\nabc\r\n0\r\n\r\n`,
    aborted(400, '/p19'),
  ],
  [
    'a space before the chunk size',
    `${post('/p20', chunked)} 3\r\nabc\r\n0\r\n\r\n`,
    aborted(400, '/p20'),
  ],
  [
    'a chunk size that is not hex',
    `${post('/p21', chunked)}3g\r\nabc\r\n0\r\n\r\n`,
    aborted(400, '/p21'),
  ],
  [
    'chunk data longer than its size',
    `${post('/p22', chunked)}3\r\nabcX\r\n0\r\n\r\n`,
    aborted(400, '/p22'),
  ],
  [
    'a bare LF after a chunk extension',
    `${post('/p23', chunked)}3;x\nabc\r\n0\r\n\r\n`,
    aborted(400, '/p23'),
  ],
  [
    'a chunk extension',
    `${post('/p24', chunked)}3;name=value\r\nabc\r\n0\r\n\r\n`,
    served('ended POST /p24 3'),
  ],
  [
    'a quoted chunk extension',
    `${post('/p25', chunked)}3;n="a b"\r\nabc\r\n0\r\n\r\n`,
    served('ended POST /p25 3'),
  ],
  [
    'an upper-case hex size',
    `${post('/p26', chunked)}A\r\n0123456789\r\n0\r\n\r\n`,
    served('ended POST /p26 10'),
  ],
  // Lines and fields: RFC 9112 §2.2, §5; RFC 9110 §5.5.
  ['bare LF line endings', 'GET /lf HTTP/1.1\nHost: a\n\n', 400],
  ['a bare LF ending the header block', 'GET /lf HTTP/1.1\r\nHost: a\r\n\n', 400],
  ['whitespace before the first field', 'GET / HTTP/1.1\r\n Host: a\r\n\r\n', 400],
  ['NUL in the target', crlf('GET /a\0b HTTP/1.1', 'Host: a'), 400],
  ['a control byte in a value', crlf('GET / HTTP/1.1', 'Host: a', 'X-A: b\x01c'), 400],
  ['DEL in a value', crlf('GET / HTTP/1.1', 'Host: a', 'X-A: b\x7fc'), 400],
  ['@ in a field name', crlf('GET / HTTP/1.1', 'Host: a', 'X@A: b'), 400],
  ['an empty field name', crlf('GET / HTTP/1.1', 'Host: a', ': b'), 400],
  [
    'obs-text in a value',
    crlf('GET /obs HTTP/1.1', 'Host: a', 'X-A: caf\xe9'),
    served('ended GET /obs 0'),
  ],
  [
    'whitespace around a value',
    crlf('GET /ows HTTP/1.1', 'Host: a', 'X-A: \t b \t'),
    served('ended GET /ows 0'),
  ],
  // Request lines, targets, versions, methods: RFC 9112 §3, RFC 9110 §9.
  [
    'two spaces in the request line',
    crlf('GET  /two-sp HTTP/1.1', 'Host: a'),
    served('ended GET /two-sp 0'),
  ],
  ['a space after the version', crlf('GET / HTTP/1.1 ', 'Host: a'), 400],
  [
    'absolute-form',
    crlf('GET http://a/abs HTTP/1.1', 'Host: a'),
    served('ended GET http://a/abs 0'),
  ],
  [
    'asterisk-form with OPTIONS',
    crlf('OPTIONS * HTTP/1.1', 'Host: a'),
    served('ended OPTIONS * 0'),
  ],
  ['CONNECT: no tunnels', crlf('CONNECT a:443 HTTP/1.1', 'Host: a:443'), 501],
  ['HTTP/1.0 without Host', crlf('GET /ten HTTP/1.0'), served('ended GET /ten 0')],
  ['a lower-case version', crlf('GET / http/1.1', 'Host: a'), 400],
  ['HTTP/1.10', crlf('GET / HTTP/1.10', 'Host: a'), 400],
  ['a method Node does not know', crlf('FOO /ext HTTP/1.1', 'Host: a'), 400],
  ['a WebDAV method', crlf('PROPFIND /dav HTTP/1.1', 'Host: a'), served('ended PROPFIND /dav 0')],
  // Host: RFC 9112 §3.2.
  ['an empty Host', crlf('GET /empty HTTP/1.1', 'Host:'), served('ended GET /empty 0')],
  ['an IPv6 Host', crlf('GET /v6 HTTP/1.1', 'Host: [::1]:8080'), served('ended GET /v6 0')],
  ['a path in Host', crlf('GET / HTTP/1.1', 'Host: a/b'), 400],
  // Messages: RFC 9110 §10.1.1, RFC 9112 §9.3.2.
  [
    'Expect: 100-continue',
    `${post('/p27', 'Content-Length: 3', 'Expect: 100-continue')}abc`,
    { statuses: [100, 200], app: ['ended POST /p27 3'] },
  ],
  [
    'two pipelined requests',
    `${crlf('GET /one HTTP/1.1', 'Host: a')}${crlf('GET /two HTTP/1.1', 'Host: a', 'Connection: close')}`,
    { statuses: [200, 200], app: ['ended GET /one 0', 'ended GET /two 0'] },
  ],
];

const calls = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('called'));

test.serial('every request of the corpus gets its outcome', async (t) => {
  t.timeout(120_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { app: 'recording-app.mjs', keepAliveMs: 100 });
  await worker.waitForMessage('ready');
  for (const [what, request, outcome] of corpus) {
    const before = calls(worker.stdout()).length;
    const reply = await exchange(socket.port, request);
    const statuses = [...reply.text.matchAll(/HTTP\/1\.1 (\d{3}) [A-Z]/g)].map((m) => Number(m[1]));
    if (typeof outcome === 'number') {
      t.deepEqual(statuses, [outcome], what);
      t.is(calls(worker.stdout()).length, before, `${what}: the app was called`);
      continue;
    }
    t.deepEqual(statuses, outcome.statuses, what);
    for (const line of outcome.app) {
      await waitUntil(() => worker.stdout().split('\n').includes(line), `${what}: ${line}`);
    }
    if (outcome.never !== undefined) {
      t.false(worker.stdout().includes(outcome.never), `${what}: ${outcome.never}`);
    }
  }
});
