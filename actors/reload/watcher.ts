/**
 * `--reload`: watches the app's source files and asks the arbiter for a reload when one
 * changes, with the event HUP sends, so an edit takes the same path as `kill -HUP`: new
 * workers first, the old ones retired as the new ones are ready, and an edit that does not load
 * abandoned while the old workers keep serving. Watching stops when the arbiter stops, since
 * the stream is part of the signals the arbiter subscribes to.
 */
import { createRequire } from 'node:module';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  EMPTY,
  buffer,
  debounceTime,
  defer,
  filter,
  map,
  merge,
  share,
  type Observable,
} from 'rxjs';
import type { SignalEvent } from '../../machines/arbiter-machine.ts';
import type { Settings } from '../../settings/settings.ts';
import type { LogSink } from '../supervision-log.ts';
import { watchFiles$, watchTree$ } from './watch-tree.ts';

/** What a module the app imports can be written in; other files (logs, data, swap files) are not code. */
export const SOURCE_EXTENSIONS = [
  '.js',
  '.mjs',
  '.cjs',
  '.ts',
  '.mts',
  '.cts',
  '.jsx',
  '.tsx',
  '.json',
];

/** Editors save a file in a burst of events; one reload answers them all. */
export const RELOAD_DEBOUNCE_MS = 250;

// `module:export` or `module:factory(...)`, as workers/app/app-spec.ts reads APP_MODULE.
const appExport = /^(.+?):[A-Za-z_$][\w$]*(?:\(.*\))?$/s;

/**
 * A reload request each time the app's files change; nothing unless `settings.reload`.
 *
 * @example
 * signalsLogic(merge(osSignals$(), reloadOnChange$(settings, log)));
 */
export function reloadOnChange$(settings: Settings, log: LogSink): Observable<SignalEvent> {
  if (!settings.reload) return EMPTY;
  return defer(() => {
    const cwd = settings.chdir ?? process.cwd();
    const root = appDirectory(settings.app, cwd);
    const changes$ = merge(
      sourceChanges$(root, settings, log),
      watchFiles$(extraFiles(settings, cwd), warnUnwatched(log)),
    ).pipe(share());
    return changes$.pipe(
      buffer(changes$.pipe(debounceTime(RELOAD_DEBOUNCE_MS))),
      map((paths): SignalEvent => {
        const names = [...new Set(paths.map((path) => shortName(path, root)))];
        log.info(`Reload: ${names.join(', ')} changed`);
        return { type: 'signal.hup' };
      }),
    );
  });
}

function sourceChanges$(root: string, settings: Settings, log: LogSink): Observable<string> {
  const written = corralFiles(settings);
  return watchTree$(root, {
    skipDirectory: (name) => name === 'node_modules' || name.startsWith('.'),
    onError: warnUnwatched(log),
    onWatching: (count) =>
      log.info(`Reload: watching ${root} (${count} ${count === 1 ? 'directory' : 'directories'})`),
  }).pipe(filter((path) => isSource(path) && !written.has(path)));
}

/**
 * The directory of the app's module: a path read against `cwd`, or a package resolved from it
 * (a workspace package resolves to its sources). `cwd` when neither can be found.
 */
export function appDirectory(app: string, cwd: string): string {
  const module = appExport.exec(app.trim())?.[1] ?? app.trim();
  const isPath = module.startsWith('.') || isAbsolute(module) || extname(module) !== '';
  if (isPath) return dirname(resolve(cwd, module));
  try {
    return dirname(createRequire(join(cwd, 'package.json')).resolve(module));
  } catch {
    return cwd;
  }
}

function extraFiles(settings: Settings, cwd: string): string[] {
  const config = settings.config === undefined ? [] : [settings.config];
  return [...settings.reloadExtraFile.map((file) => resolve(cwd, file)), ...config];
}

/** Files corral itself writes, which must not set off a reload in a loop. */
function corralFiles(settings: Settings): Set<string> {
  const cwd = settings.chdir ?? process.cwd();
  const paths = [settings.pid, settings.errorLogfile, settings.accessLogfile];
  return new Set(paths.filter((path) => path !== undefined).map((path) => resolve(cwd, path)));
}

function isSource(path: string): boolean {
  return SOURCE_EXTENSIONS.includes(extname(path));
}

function shortName(path: string, root: string): string {
  const inside = relative(root, path);
  return inside.startsWith('..') || isAbsolute(inside) ? path : inside;
}

function warnUnwatched(log: LogSink) {
  return (path: string, error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    log.warn(`Reload: cannot watch ${path}; its changes will not reload: ${reason}`);
  };
}
