/**
 * The master's PID file, as Gunicorn keeps it: refuse to start over a live master, replace a
 * stale or unreadable file, write atomically, and remove the file only while it is still ours
 * (after a re-exec the new master may already have replaced it). A new master started by USR2
 * writes `PIDFILE.2` and takes over `PIDFILE` when it is promoted (Gunicorn's scheme since 19.6).
 *
 * Synchronous on purpose: the file is written once before binding and removed once on the way
 * out, where an exit handler cannot wait for a promise.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PidfileError } from '../errors.ts';
import { isAlive } from './process-alive.ts';

/**
 * Writes `pid` to `path`: a temporary file in the same directory, mode 0644, renamed into
 * place, so a reader never sees a half-written file.
 *
 * @example
 * writePidfile('/run/corral.pid', process.pid);
 *
 * @throws {PidfileError} when the file holds another live process's pid ("already running on
 * PID N"), or cannot be written.
 */
export function writePidfile(path: string, pid: number): void {
  const holder = readPidfile(path);
  if (holder !== undefined && holder !== pid && isAlive(holder)) {
    throw new PidfileError(`already running on PID ${holder} (according to ${path})`);
  }
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}`);
  try {
    writeFileSync(temporary, `${pid}\n`, { flag: 'wx', mode: 0o644 });
    // The mode given to writeFile passes through the umask; Gunicorn's 0644 is explicit.
    chmodSync(temporary, 0o644);
    renameSync(temporary, path);
  } catch (error) {
    removeQuietly(temporary);
    throw new PidfileError(`cannot write the pid file ${path}`, { cause: error });
  }
}

/**
 * Removes the PID file if it still holds `pid`, and says whether it did. A missing file, or one
 * that names another process, is left as it is.
 *
 * @example
 * removePidfile('/run/corral.pid', process.pid); // true
 */
export function removePidfile(path: string, pid: number): boolean {
  if (readPidfile(path) !== pid) return false;
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return false;
    throw new PidfileError(`cannot remove the pid file ${path}`, { cause: error });
  }
}

/**
 * Where a new master started by USR2 writes its pid until it is promoted: `PIDFILE.2`, as
 * Gunicorn does, so `PIDFILE` keeps naming the old master while both run.
 *
 * @example
 * upgradePidfilePath('/run/corral.pid'); // '/run/corral.pid.2'
 */
export function upgradePidfilePath(path: string): string {
  return `${path}.2`;
}

/**
 * A promoted master takes over `path`: writes its pid there (replacing the old master's file
 * if that one is still there; its process is gone), then removes `PIDFILE.2` if it still holds
 * `pid`. Written before the removal, so there is no moment with neither file naming the master.
 *
 * @example
 * promotePidfile('/run/corral.pid', process.pid); // corral.pid holds the pid, corral.pid.2 is gone
 *
 * @throws {PidfileError} when `path` names another live process or cannot be written.
 */
export function promotePidfile(path: string, pid: number): void {
  writePidfile(path, pid);
  removePidfile(upgradePidfilePath(path), pid);
}

/**
 * The pid the file holds; `undefined` when there is no file or it does not hold one (empty,
 * garbage, zero or negative), which makes it replaceable.
 */
function readPidfile(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw new PidfileError(`cannot read the pid file ${path}`, { cause: error });
  }
  const trimmed = text.trim();
  if (!/^[0-9]+$/.test(trimmed)) return undefined;
  const pid = Number(trimmed);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Never created, or already gone.
  }
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { code?: unknown }).code
    : undefined;
}
