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

// Each process runs a bundle rather than some fifty modules: a worker its entry with everything
// it imports from corral, the CLI's master its entry with the modules it loads at start, and one
// chunk for each part it imports only when asked for (the status page, metrics, the control
// socket, the inspector relay). Node then reads and compiles a few files instead of each being
// resolved and linked in turn by the ESM loader, which was a third of a worker's start; the
// master keeps only the parts of RxJS and XState it uses, about 13 MB of RSS less
// (docs/benchmarks.md). The modules stay in dist/ as they are for the API (index.js).
// tsx stays outside: it is loaded only for a TypeScript app or config file.
const { build } = await import('esbuild');
const bundling = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['tsx', 'tsx/*'],
  sourcemap: 'linked',
  allowOverwrite: true,
  logLevel: 'warning',
  // CommonJS dependencies (ws, for the inspector relay) require Node's built-ins; esbuild's
  // ESM output needs a real `require` in scope for that.
  banner: {
    js: "import { createRequire as __corralRequire } from 'node:module'; const require = __corralRequire(import.meta.url);",
  },
};
const workerEntry = join(dist, 'workers/worker-main.js');
await build({ ...bundling, entryPoints: [workerEntry], outfile: workerEntry });
// The chunks sit beside the entry in dist/bin/, one folder below dist/ like every module they
// came from (actors/, settings/), so the URLs those modules make from import.meta.url (the
// package root, ../workers/worker-main.js) still hold; the status page's files are the one
// thing found beside the module, so they are copied beside the chunks too.
await build({
  ...bundling,
  entryPoints: [join(dist, 'bin/corral.js')],
  outdir: join(dist, 'bin'),
  splitting: true,
});
cpSync(join(root, 'actors/observe/status/page'), join(dist, 'bin/page'), { recursive: true });
