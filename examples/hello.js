// The smallest corral app: a plain Node request listener as the default export.
//   npx corral examples/hello.js -w 2
export default function hello(_req, res) {
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(`Hello from worker ${process.pid}\n`);
}
