import test, { type ExecutionContext } from 'ava';
import { chmodSync, copyFileSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { makeCertificates, type TestCertificates } from '../helpers/test-certificates.ts';
import { within } from '../helpers/wait.ts';
import { app, startCorral } from './corral-process.ts';

// The workers switch to another user for real, which needs root (as the machine that runs them is).
if (process.getuid?.() !== 0) throw new Error('tls-as-user.spec.ts needs to run as root');

/** Certificates and a copy of peer-app.mjs in a directory `nobody` may enter. */
function setUp(t: ExecutionContext): { certs: TestCertificates; appPath: string } {
  const certs = makeCertificates(t);
  chmodSync(certs.dir, 0o755);
  chmodSync(certs.server.cert, 0o644);
  const appPath = join(certs.dir, 'peer-app.mjs');
  copyFileSync(app('peer-app.mjs'), appPath);
  chmodSync(appPath, 0o644);
  return { certs, appPath };
}

function startAsNobody(t: ExecutionContext, certs: TestCertificates, appPath: string) {
  return startCorral(t, [
    appPath,
    '-w',
    '1',
    '-b',
    '127.0.0.1:0',
    '--user',
    'nobody',
    '--certfile',
    certs.server.cert,
    '--keyfile',
    certs.server.key,
  ]);
}

test.serial('a key only root can read stops the start with exit 3, naming it', async (t) => {
  const { certs, appPath } = setUp(t);
  chmodSync(certs.server.key, 0o600);
  const corral = startAsNobody(t, certs, appPath);
  t.is((await corral.exited).code, 3);
  t.regex(corral.output(), new RegExp(`cannot read --keyfile ${certs.server.key}: EACCES`));
  t.is(corral.workerPids().length, 1, 'the master did not start one worker after another');
});

test.serial('workers running as another user serve HTTPS with a key they can read', async (t) => {
  const { certs, appPath } = setUp(t);
  chmodSync(certs.server.key, 0o644);
  const corral = startAsNobody(t, certs, appPath);
  const port = await corral.port();
  await corral.waitFor(/Ready: 1 worker serving/);
  const ca = readFileSync(certs.server.cert);
  const status = new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', ca, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
  t.is(await within(status, 'an HTTPS answer'), 200);
});
