// npm runs this on `npm install` (the package's `install` script) to build corral-native.c.
// A failed build must not fail the install: corral works without the addon, and then only
// systemd notification and orphan reaping as PID 1 are missing (each warns when it is needed).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
// npm names its own node-gyp in npm_config_node_gyp for scripts; run by hand, use the one
// bundled with the npm installed next to this node.
const prefix = join(dirname(process.execPath), '..');
const bundled = join(prefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
const gyp = process.env.npm_config_node_gyp ?? (existsSync(bundled) ? bundled : undefined);
const rebuild = ['rebuild'];
// Without a nodedir node-gyp downloads the headers; there is no network to do that with, and
// the headers that came with this node are the right ones anyway.
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include/node/node_api.h'))) {
  rebuild.push(`--nodedir=${prefix}`);
}
const [command, args] = gyp ? [process.execPath, [gyp, ...rebuild]] : ['node-gyp', rebuild];
const result = spawnSync(command, args, { cwd: here, stdio: 'inherit' });
if (result.status !== 0) {
  const why = result.error ? result.error.message : `exit code ${result.status}`;
  console.warn(
    `corral: building the native addon failed (${why}); systemd notification (NOTIFY_SOCKET) ` +
      'and reaping orphans as PID 1 are disabled. Needs python3, make and a C compiler.',
  );
}
