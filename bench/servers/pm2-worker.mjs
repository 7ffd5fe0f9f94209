// The script PM2 runs in cluster mode (named in the ecosystem file bench/contenders/pm2.ts
// writes): it serves BENCH_APP (a bench/app/*.js default export) on 127.0.0.1:BENCH_PORT and
// logs the lines the bench reads from every contender. PM2 imports an .mjs script as an ES
// module; its cluster mode is Node's cluster, round-robin, the primary being PM2 itself.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const port = Number(process.env.BENCH_PORT);
const { default: app } = await import(pathToFileURL(process.env.BENCH_APP).href);
// Node's default backlog (511), as for the other Node contenders.
createServer(app).listen({ host: '127.0.0.1', port }, () => {
  process.stderr.write(`Listening at: http://127.0.0.1:${port} (${process.pid})\n`);
  process.stderr.write(`Worker (pid:${process.pid}) ready\n`);
});
