// An Express 5 app: the app itself is a request listener, so export it as is.
//   npx corral examples/express.mjs -w 2
import express from 'express';

const app = express();

app.get('/', (_req, res) => {
  res.type('text/plain').send(`Hello from worker ${process.pid}\n`);
});

app.get('/users/:name', (req, res) => {
  res.json({ name: req.params.name, worker: process.pid });
});

export default app;
