import test, { type ExecutionContext } from 'ava';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import { connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { join } from 'node:path';
import { makeCertificates, type TestCertificates } from '../helpers/test-certificates.ts';
import { within } from '../helpers/wait.ts';
import { app, childPids, startCorral } from './corral-process.ts';

interface Seen {
  remoteAddress?: string;
  encrypted: boolean;
  authorized: boolean;
}

async function serve(t: ExecutionContext, certs: TestCertificates, ...extra: string[]) {
  return (await serveApp(t, 'peer-app.mjs', certs, ...extra)).port;
}

async function serveApp(
  t: ExecutionContext,
  appName: string,
  certs: TestCertificates,
  ...extra: string[]
) {
  const corral = startCorral(t, [
    app(appName),
    '-w',
    '1',
    '-b',
    '127.0.0.1:0',
    '--certfile',
    certs.server.cert,
    '--keyfile',
    certs.server.key,
    ...extra,
  ]);
  const port = await corral.port();
  await corral.waitFor(/Ready: 1 worker serving/);
  return { corral, port };
}

/** One HTTPS request that verifies the server against its own certificate. */
function getHttps(port: number, certs: TestCertificates, extra: RequestOptions = {}) {
  const ca = readFileSync(certs.server.cert);
  const answered = new Promise<Seen>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/', ca, agent: false, ...extra },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(JSON.parse(body) as Seen));
      },
    );
    req.on('error', reject);
    req.end();
  });
  return within(answered, 'an HTTPS answer');
}

test.serial('the workers serve HTTPS with the given certificate', async (t) => {
  const certs = makeCertificates(t);
  const { corral, port } = await serveApp(t, 'peer-app.mjs', certs);
  t.regex(corral.output(), /Listening at: https:\/\/127\.0\.0\.1:\d+ /);
  const seen = await getHttps(port, certs);
  t.true(seen.encrypted);
  t.is(seen.remoteAddress, '127.0.0.1');
  // Twice more: the worker keeps serving after each connection.
  t.true((await getHttps(port, certs)).encrypted);
  t.true((await getHttps(port, certs)).encrypted);
});

test.serial('every listener serves HTTPS, each its own connections', async (t) => {
  const certs = makeCertificates(t);
  const socketPath = join(certs.dir, 'https.sock');
  const port = await serve(t, certs, '-b', `unix:${socketPath}`);
  const unixOnly = { socketPath, servername: 'localhost' };
  for (let i = 0; i < 2; i++) {
    t.is((await getHttps(port, certs)).remoteAddress, '127.0.0.1');
    const overUnix = await getHttps(0, certs, unixOnly);
    t.true(overUnix.encrypted);
    t.is(overUnix.remoteAddress, undefined, 'a unix-socket peer has no address');
  }
});

test.serial('the sync worker class serves HTTPS too', async (t) => {
  const certs = makeCertificates(t);
  const port = await serve(t, certs, '-k', 'sync');
  for (let i = 0; i < 3; i++) t.true((await getHttps(port, certs)).encrypted);
});

test.serial('a graceful stop lets an HTTPS request in flight finish', async (t) => {
  const certs = makeCertificates(t);
  const { corral, port } = await serveApp(t, 'pid-app.mjs', certs);
  const ca = readFileSync(certs.server.cert);
  const answered = new Promise<number>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/slow?ms=1500', ca, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
  await corral.waitFor(/slow request started/);
  corral.signal('SIGTERM');
  t.is(await within(answered, 'the slow HTTPS answer'), 200);
  t.is((await corral.exited).code, 0);
});

test.serial(
  '--cert-reqs required: refused without a client certificate, served with one',
  async (t) => {
    const certs = makeCertificates(t);
    const port = await serve(t, certs, '--cert-reqs', 'required', '--ca-certs', certs.client.cert);
    await t.throwsAsync(getHttps(port, certs));
    const client = { cert: readFileSync(certs.client.cert), key: readFileSync(certs.client.key) };
    const seen = await getHttps(port, certs, client);
    t.true(seen.authorized);
  },
);

test.serial('--cert-reqs optional: served either way, authorized only with one', async (t) => {
  const certs = makeCertificates(t);
  const port = await serve(t, certs, '--cert-reqs', '1', '--ca-certs', certs.client.cert);
  t.false((await getHttps(port, certs)).authorized);
  const client = { cert: readFileSync(certs.client.cert), key: readFileSync(certs.client.key) };
  t.true((await getHttps(port, certs, client)).authorized);
});

test.serial('with the PROXY protocol the header comes first, then the handshake', async (t) => {
  const certs = makeCertificates(t);
  const port = await serve(t, certs, '--proxy-protocol');
  const raw = connectTcp({ host: '127.0.0.1', port });
  t.teardown(() => raw.destroy());
  await new Promise((resolve) => raw.once('connect', resolve));
  raw.write('PROXY TCP4 203.0.113.7 127.0.0.1 5555 443\r\n');
  const secure = connectTls({
    socket: raw,
    ca: readFileSync(certs.server.cert),
    servername: 'localhost',
  });
  secure.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  let text = '';
  secure.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await within(new Promise((resolve) => secure.once('end', resolve)), 'the HTTPS answer');
  t.like(JSON.parse(text.split('\r\n\r\n')[1] ?? '{}'), {
    remoteAddress: '203.0.113.7',
    encrypted: true,
  });
});

test.serial('a reload whose key has gone is abandoned; the workers keep serving', async (t) => {
  const certs = makeCertificates(t);
  const { corral, port } = await serveApp(t, 'peer-app.mjs', certs);
  renameSync(certs.server.key, `${certs.server.key}.moved`);
  corral.signal('SIGHUP');
  await corral.waitFor(/Reload abandoned .*--keyfile .*server-key\.pem: ENOENT/);
  t.true((await getHttps(port, certs)).encrypted);
});

/** Starts corral with a unix socket and a PID file, expects exit 1, and checks both are gone. */
async function failsToStart(t: ExecutionContext, certs: TestCertificates, tlsArgs: string[]) {
  const sock = join(certs.dir, 'app.sock');
  const pidfile = join(certs.dir, 'corral.pid');
  const corral = startCorral(t, [
    app('peer-app.mjs'),
    '-b',
    `unix:${sock}`,
    '-p',
    pidfile,
    ...tlsArgs,
  ]);
  t.is((await corral.exited).code, 1);
  t.false(existsSync(sock), 'no socket file is left');
  t.false(existsSync(pidfile), 'no PID file is left');
  t.deepEqual(await childPids(corral.child.pid!), []);
  return corral.output();
}

test.serial('a missing certificate is a start-up error naming it, exit 1', async (t) => {
  const certs = makeCertificates(t);
  const missing = join(certs.dir, 'missing.pem');
  const output = await failsToStart(t, certs, [
    '--certfile',
    missing,
    '--keyfile',
    certs.server.key,
  ]);
  t.regex(output, new RegExp(`--certfile ${missing}: ENOENT`));
});

test.serial('an unreadable or unusable key is a start-up error naming it, exit 1', async (t) => {
  const certs = makeCertificates(t);
  const output = await failsToStart(t, certs, [
    '--certfile',
    certs.server.cert,
    '--keyfile',
    certs.dir,
  ]);
  t.regex(output, new RegExp(`--keyfile ${certs.dir}: EISDIR`));
  const notPem = join(certs.dir, 'not.pem');
  writeFileSync(notPem, 'not a key\n');
  const named = await failsToStart(t, certs, [
    '--certfile',
    certs.server.cert,
    '--keyfile',
    notPem,
  ]);
  t.regex(named, new RegExp(`--keyfile ${notPem} is not a PEM file`));
  const mismatched = await failsToStart(t, certs, [
    '--certfile',
    certs.server.cert,
    '--keyfile',
    certs.client.key,
  ]);
  t.regex(
    mismatched,
    /--certfile .*server\.pem with --keyfile .*client-key\.pem: unusable for TLS/,
  );
});

test.serial('--certfile without --keyfile is a start-up error, exit 1', async (t) => {
  const certs = makeCertificates(t);
  const output = await failsToStart(t, certs, ['--certfile', certs.server.cert]);
  t.regex(output, /HTTPS needs both --certfile and --keyfile/);
});

test.serial('--check-config checks the TLS files too', async (t) => {
  const certs = makeCertificates(t);
  const missing = join(certs.dir, 'missing-key.pem');
  const args = ['--certfile', certs.server.cert, '--keyfile', missing, '--check-config'];
  const corral = startCorral(t, [app('peer-app.mjs'), ...args]);
  t.is((await corral.exited).code, 1);
  t.regex(corral.output(), new RegExp(`--keyfile ${missing}: ENOENT`));
});
