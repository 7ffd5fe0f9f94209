/**
 * Gunicorn with its sync workers, as a contender, when `gunicorn` is on the PATH
 * (`apt-get install gunicorn`); the bench skips it with a note otherwise. It serves the WSGI
 * twins of the Node apps from bench/app, with bench/servers/gunicorn_conf.py logging each
 * worker's readiness the way the bench reads it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerSpec } from '../lib/server.ts';
import { WORKER_READY, appFile, expectedBody, type AppKind } from './apps.ts';

const appDir = fileURLToPath(new URL('../app/', import.meta.url));
const config = fileURLToPath(new URL('../servers/gunicorn_conf.py', import.meta.url));

/** Gunicorn's version line, or why it is skipped. */
export function findGunicorn(): { version: string } | { skipped: string } {
  const probe = spawnSync('gunicorn', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    return {
      skipped: 'Gunicorn skipped: `gunicorn` is not on the PATH (apt-get install gunicorn)',
    };
  }
  return { version: (probe.stdout || probe.stderr).trim().split('\n')[0] ?? 'gunicorn' };
}

export function gunicornSpec(name: string, app: AppKind, workers: number): ServerSpec {
  return {
    name,
    command: 'gunicorn',
    args: [
      ...['-w', String(workers), '-k', 'sync', '-b', '127.0.0.1:0'],
      ...['-c', config, '--chdir', appDir, appFile(app, 'wsgi')],
    ],
    cwd: appDir,
    workers,
    // No __pycache__ left in bench/app.
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    workerReadyLine: WORKER_READY,
    expectBody: expectedBody(app),
  };
}
