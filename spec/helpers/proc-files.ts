/**
 * What Linux shows about a process, read from /proc as `ps` reads it: for the specs of process
 * titles and of the user a worker runs as.
 *
 * @example
 * await commandLineOf(pid); // 'corral: master [shop]'
 */
import { readFile } from 'node:fs/promises';

/** `/proc/PID/cmdline` as `ps -o args` prints it: arguments joined by spaces, NULs dropped. */
export async function commandLineOf(pid: number): Promise<string> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  return raw.split('\0').filter(Boolean).join(' ');
}

/** The real uid and gid from `/proc/PID/status`. */
export async function idsOf(pid: number): Promise<{ uid: number; gid: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
  return { uid: field('Uid'), gid: field('Gid') };
}
