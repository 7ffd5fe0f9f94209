/**
 * corral as a container's PID 1: a pid namespace of its own, with its own /proc, as a container
 * gets. `--kill-child` takes the namespace down if unshare itself is killed (teardown).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { eventually } from '../integration/corral-process.ts';

export const unshare = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child'];

/** Whether this machine lets us make pid namespaces (it needs root). */
export const pidNamespaces = spawnSync(unshare[0]!, [...unshare.slice(1), 'true']).status === 0;

/** The master's pid as seen from here: unshare's only child. */
export async function masterPid(unsharePid: number): Promise<number> {
  let pid = 0;
  await eventually(() => {
    const children = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8');
    pid = Number(children.trim().split(' ')[0]);
    return pid > 0;
  }, 'unshare has started the master');
  return pid;
}
