// The one app every contender serves: a plain Node request listener, as the default export.
// Kept here rather than using examples/hello.js so that edits to the examples cannot change
// what the benchmark measures. Plain JavaScript, so no contender pays for a TypeScript load.
export default function hello(_req, res) {
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end('Hello, world!\n');
}
