// --http2: HTTP/2 over TLS with ALPN, HTTP/1.1 for clients that do not offer h2, on the same
// socket; the request path and the graceful stop apply to streams. Real clients: curl and
// node:http2.
import test from 'ava';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type ClientHttp2Session } from 'node:http2';
import { promisify } from 'node:util';
import { makeCertificates, type TestCertificates } from '../helpers/test-certificates.ts';
import { app, startCorral, type CorralProcess } from './corral-process.ts';

const run = promisify(execFile);

async function serveHttp2(
  t: Parameters<typeof startCorral>[0],
  extra: string[] = [],
  appFile = app('slow-app.mjs'),
): Promise<{ corral: CorralProcess; port: number; certs: TestCertificates }> {
  const certs = makeCertificates(t);
  const tls = ['--certfile', certs.server.cert, '--keyfile', certs.server.key, '--http2'];
  const corral = startCorral(t, [appFile, '-b', '127.0.0.1:0', ...tls, ...extra]);
  const port = await corral.port();
  await corral.waitFor(/Ready: \d+ workers? serving/);
  return { corral, port, certs };
}

/** curl's body and the HTTP version and status it used. */
async function curl(certs: TestCertificates, url: string, ...flags: string[]) {
  const { stdout } = await run('curl', [
    '-s',
    '--cacert',
    certs.server.cert,
    '-w',
    '\n%{http_version} %{http_code}',
    ...flags,
    url,
  ]);
  const lines = stdout.split('\n');
  const [version, status] = (lines.pop() ?? '').split(' ');
  return { body: lines.join('\n'), version, status: Number(status) };
}

function h2Session(t: Parameters<typeof startCorral>[0], port: number, certs: TestCertificates) {
  const session = connect(`https://127.0.0.1:${port}`, { ca: readFileSync(certs.server.cert) });
  session.on('error', () => {});
  t.teardown(() => session.destroy());
  return session;
}

function h2Get(session: ClientHttp2Session, path: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const stream = session.request({ ':path': path });
    let body = '';
    let status = 0;
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
    stream.on('end', () => resolve({ status, body }));
    stream.on('error', reject);
  });
}

test.serial('curl gets HTTP/2 with h2 and HTTP/1.1 without, on the same socket', async (t) => {
  const { corral, port, certs } = await serveHttp2(t, ['--access-logfile', '-']);
  const url = `https://127.0.0.1:${port}/`;
  t.like(await curl(certs, url, '--http2'), {
    body: 'hello over HTTP/2.0',
    version: '2',
    status: 200,
  });
  t.like(await curl(certs, url, '--http1.1'), {
    body: 'hello over HTTP/1.1',
    version: '1.1',
    status: 200,
  });
  // The access log names the client and counts the body on HTTP/2 as on HTTP/1.1.
  await corral.waitFor(/127\.0\.0\.1 - - \[[^\]]+\] "GET \/ HTTP\/2\.0" 200 19 /);
  await corral.waitFor(/127\.0\.0\.1 - - \[[^\]]+\] "GET \/ HTTP\/1\.1" 200 19 /);
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});

test.serial('the limits and strict checks answer HTTP/2 streams too', async (t) => {
  const { corral, port, certs } = await serveHttp2(t, ['--limit-request-line', '64']);
  const long = await curl(certs, `https://127.0.0.1:${port}/${'x'.repeat(100)}`, '--http2');
  t.like(long, { version: '2', status: 414 });
  const ok = await curl(certs, `https://127.0.0.1:${port}/`, '--http2');
  t.is(ok.status, 200);
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});

test.serial('a fetch-style app answers over HTTP/2 unchanged', async (t) => {
  const { corral, port, certs } = await serveHttp2(t, [], 'examples/fetch.mjs');
  const session = h2Session(t, port, certs);
  const { status, body } = await h2Get(session, '/there');
  t.is(status, 200);
  t.regex(body, /^Hello from worker \d+ at \/there/);
  session.close();
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});

test.serial('a graceful stop sends GOAWAY and lets the stream in flight finish', async (t) => {
  const { corral, port, certs } = await serveHttp2(t);
  const session = h2Session(t, port, certs);
  const goaway = new Promise<void>((resolve) => session.once('goaway', () => resolve()));
  const slow = h2Get(session, '/slow');
  await corral.waitFor(/slow started/);
  corral.signal('SIGTERM');
  await goaway;
  t.deepEqual(await slow, { status: 200, body: 'slow done over HTTP/2.0' });
  t.is((await corral.exited).code, 0);
});

test.serial('--http2 without TLS, or with -k sync, is refused at start', async (t) => {
  const bare = startCorral(t, [app('slow-app.mjs'), '-b', '127.0.0.1:0', '--http2']);
  t.is((await bare.exited).code, 1);
  t.regex(bare.output(), /--http2 needs --certfile and --keyfile/);
  const certs = makeCertificates(t);
  const sync = startCorral(t, [
    app('slow-app.mjs'),
    '-b',
    '127.0.0.1:0',
    '-k',
    'sync',
    '--http2',
    '--certfile',
    certs.server.cert,
    '--keyfile',
    certs.server.key,
  ]);
  t.is((await sync.exited).code, 1);
  t.regex(sync.output(), /--http2 needs -k async/);
});

test.serial('an Express app with --http2 fails its boot with exit 4, saying why', async (t) => {
  const certs = makeCertificates(t);
  const corral = startCorral(t, [
    'examples/express.mjs',
    '-b',
    '127.0.0.1:0',
    '--http2',
    '--certfile',
    certs.server.cert,
    '--keyfile',
    certs.server.key,
  ]);
  t.is((await corral.exited).code, 4);
  t.regex(corral.output(), /--http2: Express replaces the prototype/);
});
