/**
 * The command line that starts this master again for USR2: the same Node executable and flags,
 * the same CLI entry and arguments, in the same directory. The new master then runs whatever
 * code is on disk at that moment, which is the point of an upgrade.
 */
import { statSync } from 'node:fs';

/** What `child_process.spawn` needs to re-execute a master. */
export interface ReexecCommand {
  /** The executable: `process.execPath`. */
  file: string;
  /** Node's flags (`process.execArgv`), the CLI entry, then the CLI's own arguments. */
  args: readonly string[];
  /** The directory the master was started in. */
  cwd: string;
}

/**
 * The command that started this process, with `args` its CLI arguments (argv after the entry).
 * Call it at start-up, before anything changes the working directory.
 *
 * @example
 * createArbiter(settings, { reexec: reexecCommand(process.argv.slice(2)) });
 */
export function reexecCommand(args: readonly string[]): ReexecCommand {
  return {
    file: process.execPath,
    args: [...process.execArgv, process.argv[1] ?? '', ...args],
    cwd: logicalCwd(),
  };
}

/**
 * The working directory as the shell named it (`$PWD`) when it is the same directory as
 * `process.cwd()`, which has symlinks resolved; otherwise `process.cwd()`. With releases
 * deployed as `/srv/app/current -> releases/42`, a master started in `current` must re-execute
 * in `current`, which by then points at the new release, not in the old release's real path.
 * Gunicorn's `util.getcwd` does the same.
 *
 * @example
 * logicalCwd({ PWD: '/srv/app/current' }); // '/srv/app/current' when it is the cwd
 */
export function logicalCwd(env: NodeJS.ProcessEnv = process.env): string {
  const real = process.cwd();
  const pwd = env.PWD;
  if (pwd === undefined || pwd === real) return real;
  try {
    const [a, b] = [statSync(pwd), statSync(real)];
    return a.dev === b.dev && a.ino === b.ino ? pwd : real;
  } catch {
    return real;
  }
}
