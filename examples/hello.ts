// A TypeScript app: corral's workers load .ts files without a build step.
//   npx corral examples/hello.ts -w 2
import type { IncomingMessage, ServerResponse } from 'node:http';

export default function hello(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(`Hello from worker ${process.pid}: ${req.method ?? 'GET'} ${req.url ?? '/'}\n`);
}
