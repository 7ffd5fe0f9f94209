// An app with a handler that gets stuck, to see what corral says when a worker's event loop
// stops turning: before the timeout kills the worker, the master's log names the request in
// flight and the function the loop is stuck in (`crunchNumbers`, with its file and line).
//   npx corral examples/stuck.mjs -t 4
//   curl localhost:8000/spin
export default function handle(req, res) {
  if (new URL(req.url, 'http://localhost').pathname === '/spin') {
    crunchNumbers();
  }
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(`Hello from worker ${process.pid}; GET /spin to get it stuck\n`);
}

function crunchNumbers() {
  let total = 0;
  while (total >= 0) total += Math.random(); // never ends: the total only grows
  return total;
}
