/**
 * Finds where a JavaScript app file fails to parse. Under tsx, a file its import lexer cannot
 * read fails with "Parse error <path>:1:1" whatever the real place, and Node's own SyntaxError
 * names no line; `node --check` says both. Used only on the boot-failure path.
 */
import type * as ChildProcesses from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * Runs `node --check` on the file and returns its SyntaxError with the location, or undefined
 * when the file parses (the syntax error was in something it imports) or the check cannot run.
 *
 * @example
 * checkSyntax('/srv/app.mjs'); // "SyntaxError: missing ) after argument list (at /srv/app.mjs:3)"
 */
export function checkSyntax(path: string): string | undefined {
  // Loaded here, on the failure path, rather than with every worker (some 5 ms of its start).
  const { spawnSync } = createRequire(import.meta.url)(
    'node:child_process',
  ) as typeof ChildProcesses;
  const result = spawnSync(process.execPath, ['--check', path], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (result.status === 0 || typeof result.stderr !== 'string') return undefined;
  const error = /^SyntaxError: .*$/m.exec(result.stderr)?.[0];
  if (error === undefined) return undefined;
  const location = /^(\/.*:\d+)$/m.exec(result.stderr)?.[1];
  return location === undefined ? error : `${error} (at ${location})`;
}
