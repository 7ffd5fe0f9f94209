import test from 'ava';
import http from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { app, startCorral } from './corral-process.ts';

function request(options: http.RequestOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ ...options, agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

test.serial(
  'listens on IPv4, IPv6 and a unix socket at once, and removes the socket file on exit',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-bind-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const sock = join(dir, 'app.sock');
    const corral = startCorral(t, [
      app('pid-app.mjs'),
      '-w',
      '2',
      '-b',
      '127.0.0.1:0',
      '-b',
      '[::1]:0',
      '-b',
      `unix:${sock}`,
    ]);
    await corral.waitFor(/Ready: 2 workers serving/);
    const v4 = Number((await corral.waitFor(/Listening at: http:\/\/127\.0\.0\.1:(\d+)/))[1]);
    const v6 = Number((await corral.waitFor(/Listening at: http:\/\/\[::1\]:(\d+)/))[1]);
    await corral.waitFor(new RegExp(`Listening at: unix:${sock.replace(/[.]/g, '\\.')}`));
    const workers = corral.workerPids();
    for (const options of [
      { host: '127.0.0.1', port: v4 },
      { host: '::1', port: v6 },
      { socketPath: sock },
    ]) {
      t.true(
        workers.includes(Number(await request(options))),
        `a worker answered on ${JSON.stringify(options)}`,
      );
    }
    corral.signal('SIGTERM');
    t.is((await corral.exited).code, 0);
    t.false(existsSync(sock));
  },
);

test.serial('PORT in the environment means 0.0.0.0:$PORT when no -b is given', async (t) => {
  const corral = startCorral(t, [app('pid-app.mjs')], { env: { PORT: '0' } });
  const port = Number((await corral.waitFor(/Listening at: http:\/\/0\.0\.0\.0:(\d+)/))[1]);
  await corral.waitFor(/Ready: 1 worker serving/);
  t.true(Number(await request({ host: '127.0.0.1', port })) > 0);
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});

test.serial('WEB_CONCURRENCY sets the default worker count', async (t) => {
  const corral = startCorral(t, [app('pid-app.mjs'), '-b', '127.0.0.1:0'], {
    env: { WEB_CONCURRENCY: '3' },
  });
  await corral.waitFor(/Ready: 3 workers serving/);
  t.is(corral.workerPids().length, 3);
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});

test.serial('--backlog reaches listen(2)', async (t) => {
  const { execFileSync } = await import('node:child_process');
  const corral = startCorral(t, [app('pid-app.mjs'), '-b', '127.0.0.1:0', '--backlog', '100']);
  const port = await corral.port();
  await corral.waitFor(/Ready: 1 worker serving/);
  // For a listening socket, ss shows the backlog in the Send-Q column.
  const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim();
  t.is(line.split(/\s+/)[2], '100');
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
});
