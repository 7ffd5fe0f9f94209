/**
 * A copy of a fixture that any user may read: specs that run workers as another user need one,
 * since the checkout may sit in a directory only its owner can enter (a CI clone in a mode-0700
 * temporary directory), and the app loads after the switch.
 */
import type { ExecutionContext } from 'ava';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/**
 * @example
 * const app = copyReadableByAll(t, app('identity-app.mjs')); // /tmp/corral-readable-XXXX/identity-app.mjs
 */
export function copyReadableByAll(t: ExecutionContext, source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-readable-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  const path = join(dir, basename(source));
  copyFileSync(source, path);
  chmodSync(path, 0o644);
  return path;
}
