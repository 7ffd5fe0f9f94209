/**
 * Node's `cluster`, for context: the same app and worker count as every contender.
 *
 *   node bench/servers/cluster.mjs APP_FILE WORKERS PORT [rr|none] [stop|respawn]
 *
 * - `rr` (SCHED_RR, the Linux default): the primary accepts every connection and passes it to
 *   a worker over IPC, so it is in the data path, which is what corral's design avoids.
 * - `none` (SCHED_NONE): the primary shares the listening socket and the workers accept from it
 *   themselves, as corral and bench/servers/bare.mjs do.
 * - `stop` (for throughput): a worker that dies stops the server, so a measurement never runs
 *   on fewer workers unnoticed. `respawn` (for the replacement bench): the primary forks a new
 *   worker from its `exit` event, the smallest self-healing server `cluster` allows.
 *
 * Logs corral's lines ("Listening at: http://127.0.0.1:PORT (pid)", "Worker (pid:P) ready" on
 * each worker's `listening`, "Ready: N workers serving") so the bench reads every contender the
 * same way. Plain JavaScript, as corral runs once built, so neither pays for a TypeScript
 * loader. SIGTERM stops the workers and exits 0.
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

if (cluster.isPrimary) runPrimary();
else await runWorker();

function runPrimary() {
  const [app, workersArg = '2', portArg = '0', policy = 'rr', onExit = 'stop'] =
    process.argv.slice(2);
  if (app === undefined || !['rr', 'none'].includes(policy)) {
    process.stderr.write('usage: cluster.mjs APP_FILE [WORKERS] [PORT] [rr|none] [stop|respawn]\n');
    process.exit(2);
  }
  // Set before the first fork; it applies to every server the workers create.
  cluster.schedulingPolicy = policy === 'none' ? cluster.SCHED_NONE : cluster.SCHED_RR;
  cluster.setupPrimary({ args: [app, portArg], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const count = Number(workersArg);
  let listened = 0;
  let stopping = false;
  cluster.on('listening', (worker, address) => {
    listened += 1;
    if (listened === 1) {
      process.stderr.write(`Listening at: http://127.0.0.1:${address.port} (${process.pid})\n`);
    }
    process.stderr.write(`Worker (pid:${worker.process.pid}) ready\n`);
    if (listened === count) process.stderr.write(`Ready: ${count} workers serving\n`);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (onExit === 'respawn') {
      cluster.fork();
      return;
    }
    process.stderr.write(`cluster: worker ${worker.process.pid} died (${code ?? signal})\n`);
    stop(1);
  });
  for (let i = 0; i < count; i += 1) cluster.fork();

  const stop = (code) => {
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

async function runWorker() {
  const [app, port = '0'] = process.argv.slice(2);
  const loaded = await import(pathToFileURL(app).href);
  // Node's default backlog (511), the same as the other Node contenders get.
  createServer(loaded.default).listen({ host: '127.0.0.1', port: Number(port) });
  process.on('SIGTERM', () => process.exit(0));
}
