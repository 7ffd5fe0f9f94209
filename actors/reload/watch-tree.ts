/**
 * File-change streams for `--reload`: a directory tree, and single files. Both watch
 * directories, never files: an editor that saves by writing a temporary file and renaming it
 * over the old one replaces the inode, and a watch on the old inode would go quiet.
 */
import {
  readdirSync,
  statSync,
  watch,
  type Dirent,
  type FSWatcher,
  type WatchEventType,
} from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { Observable } from 'rxjs';

export interface WatchTreeOptions {
  /** Directories (by name) not to descend into, such as `node_modules`. */
  skipDirectory(name: string): boolean;
  /** A directory that cannot be watched (gone, or the inotify limit reached). */
  onError(path: string, error: unknown): void;
  /** Called once the tree has been walked, with the number of directories watched. */
  onWatching?(directories: number): void;
}

/**
 * Absolute paths of entries created, changed, renamed or removed anywhere under `root`.
 * One non-recursive watch per directory: Node 20's `recursive` option on Linux watches every
 * file, `node_modules` included, and has no way to leave a directory out.
 *
 * @example
 * watchTree$('/srv/app', { skipDirectory: (name) => name === 'node_modules', onError })
 *   .subscribe((path) => console.log(`${path} changed`));
 */
export function watchTree$(root: string, options: WatchTreeOptions): Observable<string> {
  return new Observable<string>((subscriber) => {
    const watchers = new Map<string, FSWatcher>();
    // A directory that appears later may already hold files (a checkout, a move, a quick
    // write): they are reported, since no watch saw them arrive.
    const add = (dir: string, announce: boolean): void => {
      if (watchers.has(dir) || subscriber.closed) return;
      const watcher = watchDirectory(
        dir,
        (name, event) => seen(join(dir, name), event),
        options.onError,
      );
      if (watcher === undefined) return;
      watchers.set(dir, watcher);
      for (const entry of entries(dir, options.onError)) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!options.skipDirectory(entry.name)) add(path, announce);
        } else if (announce) subscriber.next(path);
      }
    };
    const drop = (path: string): void => {
      for (const [dir, watcher] of watchers) {
        if (dir !== path && !dir.startsWith(path + sep)) continue;
        watcher.close();
        watchers.delete(dir);
      }
    };
    // A rename of a watched directory may be its removal and a new one under the same name (a
    // branch switch, say): the old watch is dead either way, so it is watched afresh.
    const seen = (path: string, event: WatchEventType): void => {
      if (event === 'rename') drop(path);
      if (isDirectory(path) && !options.skipDirectory(basename(path))) add(path, true);
      subscriber.next(path);
    };
    add(root, false);
    options.onWatching?.(watchers.size);
    return () => drop(root);
  });
}

/**
 * Absolute paths of `files` each time one is written, replaced or removed; a file that does
 * not exist yet is reported when it appears.
 *
 * @example
 * watchFiles$(['/etc/app/settings.json'], onError).subscribe(reload);
 */
export function watchFiles$(
  files: readonly string[],
  onError: WatchTreeOptions['onError'],
): Observable<string> {
  return new Observable<string>((subscriber) => {
    const byDirectory = new Map<string, Set<string>>();
    for (const file of files) {
      const names = byDirectory.get(dirname(file)) ?? new Set<string>();
      byDirectory.set(dirname(file), names.add(basename(file)));
    }
    const watchers = [...byDirectory].map(([dir, names]) =>
      watchDirectory(
        dir,
        (name) => {
          if (names.has(name)) subscriber.next(join(dir, name));
        },
        onError,
      ),
    );
    return () => watchers.forEach((watcher) => watcher?.close());
  });
}

function watchDirectory(
  dir: string,
  onName: (name: string, event: WatchEventType) => void,
  onError: WatchTreeOptions['onError'],
): FSWatcher | undefined {
  try {
    const watcher = watch(dir, { persistent: false }, (event, name) => {
      if (name !== null) onName(String(name), event);
    });
    // Emitted when the directory goes away; its parent's watcher reports that.
    watcher.on('error', () => watcher.close());
    return watcher;
  } catch (error) {
    onError(dir, error);
    return undefined;
  }
}

function entries(dir: string, onError: WatchTreeOptions['onError']): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    onError(dir, error);
    return [];
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
