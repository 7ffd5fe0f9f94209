// `npm run build` (and `prepare`, so a fresh clone's `npm install` runs it): compiles corral's
// TypeScript to dist/ with its types, then copies what tsc does not: the plain JavaScript
// modules (`.mjs` with their `.d.mts`) and the status page's browser files. (package.json and
// the native addon are read from the package root, not from dist/.)
// At run time corral is then plain JavaScript; tsx is loaded only for TypeScript apps and
// config files.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');
const sources = ['actors', 'workers', 'bin', 'settings', 'protocol', 'logging', 'machines'];

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});

/** Every file under `dir` whose name passes `keep`. */
function* filesUnder(dir, keep) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* filesUnder(path, keep);
    else if (keep(path)) yield path;
  }
}

const plainJavaScript = (path) => path.endsWith('.mjs') || path.endsWith('.d.mts');
for (const folder of sources) {
  for (const file of filesUnder(join(root, folder), plainJavaScript)) {
    cpSync(file, join(dist, relative(root, file)));
  }
}
cpSync(join(root, 'actors/observe/status/page'), join(dist, 'actors/observe/status/page'), {
  recursive: true,
});
