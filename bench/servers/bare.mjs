/**
 * The baseline: the smallest pre-fork server Node allows, with no supervisor in the data path.
 *
 * The master binds 127.0.0.1:PORT with `net._createServerHandle` (bound, never listening, so it
 * cannot accept), forks N children with the bound socket as their fd 3, and does nothing else.
 * Each child loads the app module and calls `http.createServer(app).listen({ fd: 3 })`, so the
 * kernel hands connections straight to the children. This is the model corral's design copies,
 * minus corral: no IPC traffic after boot, no heartbeats, no connection tracking, no accept gate.
 *
 *   node bench/servers/bare.mjs APP_FILE WORKERS PORT
 *
 * It logs corral's readiness lines to stderr ("Listening at: http://127.0.0.1:PORT (pid)",
 * "Ready: N workers serving"), so the bench waits for every contender the same way. SIGTERM
 * stops the children and exits 0. Plain JavaScript, as corral runs once built, so neither pays
 * for a TypeScript loader.
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import net from 'node:net';
import { pathToFileURL } from 'node:url';
// Node's own (internal) way to bind without listening, as the cluster module does.
const createServerHandle = net._createServerHandle;
if (process.env.BARE_ROLE === 'worker') await runWorker();
else runMaster();
function runMaster() {
  const [app, workersArg = '2', portArg = '0'] = process.argv.slice(2);
  if (app === void 0) {
    process.stderr.write('usage: bare.mjs APP_FILE [WORKERS] [PORT]\n');
    process.exit(2);
  }
  const handle = createServerHandle('127.0.0.1', Number(portArg), 4);
  if (typeof handle === 'number') {
    process.stderr.write(`bare: bind failed with errno ${handle}
`);
    process.exit(1);
  }
  const name = {};
  const status = handle.getsockname(name);
  if (status !== 0) {
    process.stderr.write(`bare: bind failed with errno ${status}
`);
    process.exit(1);
  }
  process.stderr.write(`Listening at: http://127.0.0.1:${name.port} (${process.pid})
`);
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
      if (ready === count)
        process.stderr.write(`Ready: ${count} workers serving
`);
    });
    child.once('exit', (code, signal) => {
      if (!stopping) {
        process.stderr.write(`bare: worker ${child.pid} died (${code ?? signal})
`);
        stop(1);
      }
    });
    return child;
  });
  const stop = (code) => {
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
async function runWorker() {
  const app = process.argv[2];
  if (app === void 0) throw new Error('bare worker: no app');
  const loaded = await import(pathToFileURL(app).href);
  const server = createServer(loaded.default);
  // Node ignores `backlog` in `listen({ fd })` unless it is the second argument; like corral's
  // workers before that fix, this listens with Node's default of 511.
  server.listen({ fd: 3 }, () => process.send?.('ready'));
  process.on('SIGTERM', () => process.exit(0));
}
