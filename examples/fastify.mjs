// A Fastify 5 instance, exported as it is: corral waits for its ready() and serves its server,
// hooks, plugins and error handler included.
//   npx corral examples/fastify.mjs -w 2
import Fastify from 'fastify';

const app = Fastify();

app.get('/', async (_req, reply) => {
  reply.type('text/plain');
  return `Hello from worker ${process.pid}\n`;
});

app.get('/users/:name', async (req) => ({ name: req.params.name, worker: process.pid }));

export default app;
