/**
 * An HTTP server embedded in a program that also supervises a queue consumer:
 *
 *   node --import tsx examples/embedded-server.ts
 *
 * The root supervisor starts the consumer first (it must be ready before the server takes
 * traffic), then the HTTP pool. Ctrl-C (or SIGTERM) stops the pool, then the consumer.
 */
import { createLogger, createSupervisor } from 'corral';

const tree = createSupervisor(
  {
    strategy: 'rest_for_one', // the consumer dies: the server restarts after it
    intensity: 3,
    periodMs: 10_000,
    children: [
      {
        id: 'consumer',
        module: 'examples/queue-consumer.mjs',
        ready: 'ipc',
        heartbeatTimeoutMs: 5_000,
      },
      {
        id: 'web',
        http: {
          app: 'examples/hello.js',
          workers: 2,
          bind: [process.env.BIND ?? '127.0.0.1:8000'],
        },
      },
    ],
  },
  { logger: createLogger({ level: 'info' }), handleSignals: true },
);

await tree.start();
await tree.ready;
console.log(`serving at ${tree.urls('root/web').join(', ')}`);
const { exitCode, reason } = await tree.done;
console.log(`done: ${reason}`);
process.exitCode = exitCode;
