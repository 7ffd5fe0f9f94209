/**
 * The baseline: the smallest pre-fork server Node allows, with no supervisor in the data path.
 *
 * The master binds 127.0.0.1:PORT with `net._createServerHandle` (bound, never listening, so it
 * cannot accept), forks N children with the bound socket as their fd 3, and does nothing else.
 * Each child loads the app module and calls `http.createServer(app).listen({ fd: 3 })`, so the
 * kernel hands connections straight to the children. This is the model corral's design copies,
 * minus corral: no IPC traffic after boot, no heartbeats, no connection tracking, no accept gate.
 *
 *   node --import tsx bench/servers/bare.ts APP_FILE WORKERS PORT
 *
 * It logs corral's readiness lines to stderr ("Listening at: http://127.0.0.1:PORT (pid)",
 * "Ready: N workers serving"), so the bench waits for every contender the same way. SIGTERM
 * stops the children and exits 0.
 */
import { fork } from 'node:child_process';
import { createServer, type RequestListener } from 'node:http';
import net from 'node:net';
import { pathToFileURL } from 'node:url';

interface BoundHandle {
  readonly fd: number;
  getsockname(out: { port?: number }): number;
  close(): void;
}

const createServerHandle = (
  net as unknown as {
    _createServerHandle: (host: string, port: number, family: 4) => BoundHandle | number;
  }
)._createServerHandle;

if (process.env.BARE_ROLE === 'worker') await runWorker();
else runMaster();

function runMaster(): void {
  const [app, workersArg = '2', portArg = '0'] = process.argv.slice(2);
  if (app === undefined) {
    process.stderr.write('usage: bare.ts APP_FILE [WORKERS] [PORT]\n');
    process.exit(2);
  }
  const handle = createServerHandle('127.0.0.1', Number(portArg), 4);
  if (typeof handle === 'number') {
    process.stderr.write(`bare: bind failed with errno ${handle}\n`);
    process.exit(1);
  }
  const name: { port?: number } = {};
  const status = handle.getsockname(name);
  if (status !== 0) {
    process.stderr.write(`bare: bind failed with errno ${status}\n`);
    process.exit(1);
  }
  process.stderr.write(`Listening at: http://127.0.0.1:${name.port} (${process.pid})\n`);

  const count = Number(workersArg);
  let ready = 0;
  let stopping = false;
  const children = Array.from({ length: count }, () => {
    const child = fork(new URL(import.meta.url), [app], {
      // fd 3 is the bound socket; the IPC channel (used once, for "ready") comes after it.
      stdio: ['ignore', 'inherit', 'inherit', handle.fd, 'ipc'],
      env: { ...process.env, BARE_ROLE: 'worker' },
    });
    child.once('message', () => {
      ready += 1;
      if (ready === count) process.stderr.write(`Ready: ${count} workers serving\n`);
    });
    child.once('exit', (code, signal) => {
      if (!stopping) {
        process.stderr.write(`bare: worker ${child.pid} died (${code ?? signal})\n`);
        stop(1);
      }
    });
    return child;
  });

  const stop = (code: number): void => {
    stopping = true;
    let alive = children.filter((c) => c.exitCode === null && c.signalCode === null).length;
    if (alive === 0) process.exit(code);
    for (const child of children) {
      child.once('exit', () => {
        alive -= 1;
        if (alive === 0) process.exit(code);
      });
      child.kill('SIGTERM');
    }
  };
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
}

async function runWorker(): Promise<void> {
  const app = process.argv[2];
  if (app === undefined) throw new Error('bare worker: no app');
  const loaded = (await import(pathToFileURL(app).href)) as { default: RequestListener };
  const server = createServer(loaded.default);
  // Node ignores `backlog` in `listen({ fd })` (only the port and path forms read it), so this
  // listens with Node's default of 511, which is also what corral's workers end up with.
  server.listen({ fd: 3 }, () => process.send?.('ready'));
  process.on('SIGTERM', () => process.exit(0));
}
