// An http.Server with a `ws` WebSocketServer on it, exported without listening: corral serves
// this very server, so its upgrades reach the WebSocketServer. A graceful stop reaches the app as
// SIGTERM: it says goodbye to its clients, which corral then leaves open until the end of
// --graceful-timeout.
//   npx corral examples/websocket.mjs -w 2
import http from 'node:http';
import { WebSocketServer } from 'ws';

const server = http.createServer((_req, res) => {
  res.end(`Hello from worker ${process.pid}; open a WebSocket on /\n`);
});

const wss = new WebSocketServer({ server });
wss.on('connection', (socket) => {
  socket.send(`Hello from worker ${process.pid}`);
  socket.on('message', (data) => socket.send(`echo: ${data}`));
});

process.on('SIGTERM', () => {
  for (const client of wss.clients) client.close(1001, 'server restarting');
});

export default server;
