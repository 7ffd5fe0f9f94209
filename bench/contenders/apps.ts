/**
 * What every contender serves, and the lines the bench reads from every contender's log.
 * `hello` for throughput; `pid` (answers with the worker's pid) for the supervision measures,
 * so a client can tell which worker served it (bench/lib/probe.ts).
 */
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export type AppKind = 'hello' | 'pid';

/** bench/app/hello.js, pid.js, or their WSGI twins (as `module:callable`, for Gunicorn). */
export function appFile(kind: AppKind, runtime: 'node' | 'wsgi'): string {
  if (runtime === 'wsgi')
    return kind === 'hello' ? 'hello_wsgi:application' : 'pid_wsgi:application';
  return fileURLToPath(new URL(`../app/${kind}.js`, import.meta.url));
}

/** What `GET /` answers once a server is ready. */
export function expectedBody(kind: AppKind): RegExp {
  return kind === 'pid' ? /^\d+/ : /^Hello/;
}

/**
 * One worker ready, with its pid: corral's "Worker 1 (pid:123) ready", and "Worker (pid:123)
 * ready" as bench/servers/cluster.mjs, pm2-worker.cjs and gunicorn_conf.py print it.
 */
export const WORKER_READY = /Worker (?:\d+ )?\(pid:(\d+)\) ready/;

/** A port free right now on 127.0.0.1, for a server that cannot report the one it got. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
