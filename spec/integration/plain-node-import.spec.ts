/**
 * corral as an installed dependency of a plain JavaScript program: a fresh directory whose
 * node_modules/corral is this package, imported by `node` with no loader at all. The package's
 * exports point at the built JavaScript (`npm run build`, which `npm install` and `npm test` run).
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

test('a plain node program imports corral and corral/child without a loader', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-plain-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(packageRoot, join(dir, 'node_modules', 'corral'));
  writeFileSync(
    join(dir, 'main.mjs'),
    [
      "import { createArbiter, createSupervisor, supervisorMachine, ExitCode } from 'corral';",
      "import { ready } from 'corral/child';",
      'const tree = createSupervisor({ children: [{ id: "s", command: "sleep", args: ["60"], stdio: "ignore" }] });',
      'await tree.start();',
      'await tree.ready;',
      'tree.stop();',
      'const done = await tree.done;',
      'console.log(JSON.stringify({ arbiter: typeof createArbiter, machine: supervisorMachine.id, usage: ExitCode.Usage, ready: typeof ready, exitCode: done.exitCode }));',
    ].join('\n'),
  );
  // No --import, no NODE_OPTIONS: what a program that depends on corral gets.
  const env = { ...process.env, NODE_OPTIONS: '' };
  const { stdout } = await promisify(execFile)(process.execPath, ['main.mjs'], {
    cwd: dir,
    env,
    timeout: 60_000,
  });
  t.deepEqual(JSON.parse(stdout), {
    arbiter: 'function',
    machine: 'supervisor',
    usage: 2,
    ready: 'function',
    exitCode: 0,
  });
});
