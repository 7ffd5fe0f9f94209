// The app for the supervision measurements (replacement, start-up, footprint): it answers with
// the pid of the worker that served the request, so a client can tell when a new worker is
// serving. Plain JavaScript, as bench/app/hello.js; throughput is measured on hello.js only.
export default function pid(_req, res) {
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(`${process.pid}\n`);
}
