// A server.js as it runs under `node server.js` or `pm2 start server.js -i 4`: it builds its
// server and listens itself. corral runs it unchanged, on the sockets of -b instead of port 3000.
//   npx corral examples/server.js -w 2 -b 127.0.0.1:8000
import http from 'node:http';

const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'text/plain');
  res.end(`Hello from worker ${process.pid}\n`);
});

server.listen(process.env.PORT ?? 3000, () => {
  console.log(`listening on ${JSON.stringify(server.address())}`);
});
