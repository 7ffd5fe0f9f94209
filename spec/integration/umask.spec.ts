import test from 'ava';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { app, startCorral } from './corral-process.ts';

function getOverUnixSocket(socketPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/' }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

test.serial('-m sets the mask of the socket file and the workers, not the pid file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-umask-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'app.sock');
  const pidfile = join(dir, 'corral.pid');
  const corral = startCorral(t, [
    app('identity-app.mjs'),
    '-b',
    `unix:${sock}`,
    '-p',
    pidfile,
    '-m',
    '0o077',
  ]);
  await corral.waitFor(/Ready: 1 worker serving/);
  t.is(statSync(sock).mode & 0o077, 0, 'no group or other bits on the socket file');
  // As in Gunicorn, the PID file is 0644 whatever the mask: it is there for others to read.
  t.is(statSync(pidfile).mode & 0o777, 0o644, 'the pid file stays readable');
  const { umask } = JSON.parse(await getOverUnixSocket(sock)) as { umask: number };
  t.is(umask, 0o077, 'the workers inherited the mask');
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});
