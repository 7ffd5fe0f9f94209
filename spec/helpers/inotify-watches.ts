/**
 * Counts the inotify watches this process holds, from /proc. The --reload watchers are unref'd,
 * so `process.getActiveResourcesInfo()` does not list them.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export function inotifyWatches(): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (!readlinkSync(`/proc/self/fd/${fd}`).includes('inotify')) continue;
      const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
      count += info.split('\n').filter((line) => line.startsWith('inotify wd:')).length;
    } catch {
      // the fd readdir itself used, closed by now
    }
  }
  return count;
}
