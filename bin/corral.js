#!/usr/bin/env node
// The master must be one plain node process (signals and pids are its interface). Built
// (`npm run build`, run by `npm install`), corral is JavaScript in dist/ and starts without any
// loader; from a checkout that was never built, tsx is registered in-process to run the sources.
import { existsSync } from 'node:fs';

const built = new URL('../dist/bin/corral.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./corral.ts');
}
