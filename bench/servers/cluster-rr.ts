/**
 * For context only: Node's `cluster` in its default round-robin mode (SCHED_RR, the default on
 * Linux). The primary accepts every connection and passes it to a worker over IPC, so it is in
 * the data path, which is what corral's design avoids.
 *
 *   node --import tsx bench/servers/cluster-rr.ts APP_FILE WORKERS PORT
 *
 * Logs the same readiness lines as corral and bench/servers/bare.ts; SIGTERM exits 0.
 */
import cluster from 'node:cluster';
import { createServer, type RequestListener } from 'node:http';
import { pathToFileURL } from 'node:url';

if (cluster.isPrimary) runPrimary();
else await runWorker();

function runPrimary(): void {
  const [app, workersArg = '2', portArg = '0'] = process.argv.slice(2);
  if (app === undefined) {
    process.stderr.write('usage: cluster-rr.ts APP_FILE [WORKERS] [PORT]\n');
    process.exit(2);
  }
  cluster.schedulingPolicy = cluster.SCHED_RR;
  cluster.setupPrimary({ args: [app, portArg], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const count = Number(workersArg);
  let ready = 0;
  let stopping = false;
  cluster.on('listening', (_worker, address) => {
    ready += 1;
    if (ready === 1) {
      process.stderr.write(`Listening at: http://127.0.0.1:${address.port} (${process.pid})\n`);
    }
    if (ready === count) process.stderr.write(`Ready: ${count} workers serving\n`);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) {
      process.stderr.write(`cluster-rr: worker ${worker.process.pid} died (${code ?? signal})\n`);
      stop(1);
    }
  });
  for (let i = 0; i < count; i += 1) cluster.fork();

  const stop = (code: number): void => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    let alive = workers.length;
    if (alive === 0) process.exit(code);
    for (const worker of workers) {
      worker.once('exit', () => {
        alive -= 1;
        if (alive === 0) process.exit(code);
      });
      worker.process.kill('SIGTERM');
    }
  };
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
}

async function runWorker(): Promise<void> {
  const [app, port = '0'] = process.argv.slice(2);
  if (app === undefined) throw new Error('cluster worker: no app');
  const loaded = (await import(pathToFileURL(app).href)) as { default: RequestListener };
  // Node's default backlog (511), the same as the other contenders get.
  createServer(loaded.default).listen({ host: '127.0.0.1', port: Number(port) });
  process.on('SIGTERM', () => process.exit(0));
}
