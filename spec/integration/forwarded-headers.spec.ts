import test, { type ExecutionContext } from 'ava';
import { request } from 'node:http';
import { app, startCorral } from './corral-process.ts';

/** What peer-app.mjs reports about a request. */
interface Seen {
  headers: Record<string, string>;
  rawHeaders: string[];
}

const spoofed = {
  'X-Forwarded-For': '6.6.6.6',
  'X-Forwarded-Proto': 'https',
  'X-Forwarded-Host': 'bank.example',
  'X-Forwarded-Ssl': 'on',
  Forwarded: 'for=6.6.6.6;proto=https',
  'X-Real-IP': '6.6.6.6',
  'X-Unrelated': 'kept',
};
const forwardedNames = Object.keys(spoofed)
  .filter((name) => name !== 'X-Unrelated')
  .map((name) => name.toLowerCase());

async function serve(t: ExecutionContext, allow: string, host = '127.0.0.1') {
  const bind = host.includes(':') ? `[${host}]:0` : `${host}:0`;
  const corral = startCorral(t, [
    app('peer-app.mjs'),
    '-w',
    '1',
    '-b',
    bind,
    '--forwarded-allow-ips',
    allow,
  ]);
  const port = await corral.port();
  await corral.waitFor(/Ready: 1 worker serving/);
  return { corral, ask: () => seenBy(host, port) };
}

function seenBy(host: string, port: number): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', headers: spoofed, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(JSON.parse(body) as Seen));
    });
    req.on('error', reject);
    req.end();
  });
}

function assertStripped(t: ExecutionContext, seen: Seen): void {
  for (const name of forwardedNames) t.false(name in seen.headers, `${name} reached the app`);
  const rawNames = seen.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
  t.false(
    rawNames.some((name) => forwardedNames.includes(name)),
    'rawHeaders are filtered too',
  );
  t.is(seen.headers['x-unrelated'], 'kept');
}

function assertKept(t: ExecutionContext, seen: Seen): void {
  t.is(seen.headers['x-forwarded-for'], '6.6.6.6');
  t.is(seen.headers['x-forwarded-proto'], 'https');
  t.is(seen.headers['forwarded'], 'for=6.6.6.6;proto=https');
  t.is(seen.headers['x-real-ip'], '6.6.6.6');
}

test.serial('from an untrusted peer the forwarded headers are gone before the app', async (t) => {
  const { ask } = await serve(t, '10.0.0.1');
  assertStripped(t, await ask());
});

test.serial('from a trusted address they reach the app', async (t) => {
  const { ask } = await serve(t, '10.0.0.1, 127.0.0.1');
  assertKept(t, await ask());
});

test.serial('* trusts every peer', async (t) => {
  const { ask } = await serve(t, '*');
  assertKept(t, await ask());
});

test.serial('a CIDR range trusts the peers inside it only', async (t) => {
  assertKept(t, await (await serve(t, '127.0.0.0/8')).ask());
  assertStripped(t, await (await serve(t, '127.0.0.2/32')).ask());
});

test.serial('IPv6 peers match IPv6 entries', async (t) => {
  assertKept(t, await (await serve(t, '::1/128', '::1')).ask());
  assertStripped(t, await (await serve(t, '127.0.0.1', '::1')).ask());
});

test.serial('a bad entry is a usage error at start, exit 2, naming it', async (t) => {
  const corral = startCorral(t, [app('peer-app.mjs'), '--forwarded-allow-ips', '10.0.0.0/33']);
  t.is((await corral.exited).code, 2);
  t.regex(corral.output(), /--forwarded-allow-ips.*10\.0\.0\.0\/33.*0 to 32/);
});
