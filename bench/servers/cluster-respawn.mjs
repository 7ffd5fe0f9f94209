// Node's `cluster` as a self-healing server, for bench/worker-replacement.ts: 2 workers serving
// bench/app/hello.js, a worker that dies is re-forked from the primary's `exit` event, and
// each worker's `listening` is printed as `LISTENING <pid>`. Plain JavaScript, as corral runs
// once built, so neither pays for a TypeScript loader. SIGTERM stops it.
import cluster from 'node:cluster';
import { createServer } from 'node:http';

if (cluster.isPrimary) {
  let stopping = false;
  cluster.on('listening', (worker) => process.stdout.write(`LISTENING ${worker.process.pid}\n`));
  cluster.on('exit', () => {
    if (!stopping) cluster.fork();
  });
  cluster.fork();
  cluster.fork();
  process.on('SIGTERM', () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), 2_000).unref();
  });
} else {
  const app = (await import('../app/hello.js')).default;
  createServer(app).listen({ host: '127.0.0.1', port: 0 });
  process.on('SIGTERM', () => process.exit(0));
}
