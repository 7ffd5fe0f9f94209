/**
 * A bare HTTP server behind a worker's connection tracker, with or without the request counts
 * the tracker hands to workers/requests/request-stats.ts (`off` or `counts` as argv[2]); prints its port.
 * Used by bench/request-counting-cost.ts to measure counting alone, without the master.
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConnectionTracker } from '../../workers/serving/connection-tracker.ts';
import { createRequestStats } from '../../workers/requests/request-stats.ts';

const level = process.argv[2] === 'counts' ? 'counts' : 'off';
const app: RequestListener = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('Hello, world!\n');
};
const stats = createRequestStats(level);
const tracker = createConnectionTracker({
  closeAfterEachResponse: false,
  onResponseClosed: stats.onResponseClosed,
});
const server = createServer({ keepAliveTimeout: 5000 }, tracker.wrap(app));
tracker.watch(server);
// As a worker's heartbeat does.
setInterval(() => stats.read(), 1000).unref();
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => void tracker.destroy([server]).then(() => process.exit(0)));
