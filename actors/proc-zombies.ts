/**
 * Which children of a process are zombies (exited, not yet waited for), read from /proc: the
 * kernel has no call that lists them without reaping one.
 */
import { readdir, readFile } from 'node:fs/promises';

/**
 * @example
 * await zombieChildren(process.pid); // [4242]
 */
export async function zombieChildren(parent: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
    if (stat === null) continue; // gone while we looked
    // The command name may hold spaces and parentheses; the fields after its last `)` are
    // state, then ppid.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z' && Number(ppid) === parent) found.push(Number(entry));
  }
  return found;
}
