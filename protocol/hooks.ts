/**
 * Server hooks: Gunicorn's lifecycle callbacks, with camelCase names, written as functions in a
 * config file (`export default defineConfig({ workers: 4, whenReady(server) { ... } })`).
 *
 * Each hook runs in the process Gunicorn runs it in: master hooks in the master, worker hooks
 * in each worker (which imports the config file itself, since functions cannot cross a process
 * boundary). A hook may return a promise; it is awaited for at most `hookTimeout` seconds. A hook
 * that throws, rejects or overruns is logged with its name and the server carries on.
 *
 * This module is shared by both sides, so it holds types and the list of names only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Settings } from '../settings/settings.ts';

/** What a hook may log with: lines go to corral's error log, tagged with the process. */
export interface HookLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The master as its hooks see it. */
export interface HookServer {
  /** The master's process id. */
  readonly pid: number;
  /** The settings in force: after a reload, the new generation's. */
  readonly settings: Readonly<Settings>;
  readonly log: HookLog;
}

/** A worker as the master's hooks see it: `preFork` before it has a pid, `childExit` after. */
export interface HookWorkerRef {
  /** The stable worker id (1, 2, 3, ...), as in log lines and the inspector's `worker-N`. */
  readonly id: number;
  /** The settings generation it was started with (1, then one more per reload). */
  readonly generation: number;
  /** Absent before the fork. */
  readonly pid?: number;
}

/** How a worker ended, for `childExit`. */
export interface HookWorkerExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** corral's classification: stopped, timeout, boot-timeout, boot-failed, killed, crashed... */
  readonly cause: string;
}

/** The worker process as its own hooks see it. */
export interface HookWorker {
  readonly id: number;
  readonly pid: number;
  /** APP_MODULE as given. */
  readonly app: string;
  readonly workerClass: string;
  readonly log: HookLog;
}

type Awaitable = void | Promise<void>;

/** Hooks that run in the master process. */
export interface MasterHooks {
  /** Before the sockets are bound and the PID file written. */
  onStarting(server: HookServer): Awaitable;
  /** On HUP, before the new generation's workers are started. */
  onReload(server: HookServer): Awaitable;
  /**
   * When the first full set of workers has reported ready: the server answers requests now.
   * (Gunicorn calls it once the sockets are bound, before any worker exists.)
   */
  whenReady(server: HookServer): Awaitable;
  /** Just before each worker process is started. */
  preFork(server: HookServer, worker: HookWorkerRef): Awaitable;
  /** On USR2, before the new master is executed. */
  preExec(server: HookServer): Awaitable;
  /** After a worker process has exited, whatever the reason. */
  childExit(server: HookServer, worker: HookWorkerRef, exit: HookWorkerExit): Awaitable;
  /** When the target worker count changes (TTIN, TTOU, a reload); `old` is undefined at start. */
  nworkersChanged(server: HookServer, current: number, old: number | undefined): Awaitable;
  /** Just before the master exits. */
  onExit(server: HookServer): Awaitable;
}

/** Hooks that run in each worker process. */
export interface WorkerHooks {
  /** First thing in a new worker, before the app is loaded. */
  postFork(worker: HookWorker): Awaitable;
  /** After the app is loaded, before the worker serves. */
  postWorkerInit(worker: HookWorker): Awaitable;
  /** On SIGINT or SIGQUIT (a quick stop), before the worker exits. */
  workerInt(worker: HookWorker): Awaitable;
  /** On SIGABRT (the master's timeout), if the worker's event loop is free to run it. */
  workerAbort(worker: HookWorker): Awaitable;
  /** Before each request reaches the app. */
  preRequest(worker: HookWorker, req: IncomingMessage): Awaitable;
  /** After each response has finished (or the connection closed first). */
  postRequest(worker: HookWorker, req: IncomingMessage, res: ServerResponse): Awaitable;
  /** Just before the worker process exits. */
  workerExit(worker: HookWorker): Awaitable;
}

export type Hooks = MasterHooks & WorkerHooks;
export type HookName = keyof Hooks;

export const masterHookNames = [
  'onStarting',
  'onReload',
  'whenReady',
  'preFork',
  'preExec',
  'childExit',
  'nworkersChanged',
  'onExit',
] as const satisfies readonly (keyof MasterHooks)[];

export const workerHookNames = [
  'postFork',
  'postWorkerInit',
  'workerInt',
  'workerAbort',
  'preRequest',
  'postRequest',
  'workerExit',
] as const satisfies readonly (keyof WorkerHooks)[];

export const hookNames: readonly HookName[] = [...masterHookNames, ...workerHookNames];

/**
 * @example
 * isHookName('whenReady'); // true
 */
export function isHookName(name: string): name is HookName {
  return (hookNames as readonly string[]).includes(name);
}

/**
 * The hook functions found in a loaded config object; other keys are ignored here (they are
 * settings, checked elsewhere).
 *
 * @example
 * pickHooks({ workers: 2, whenReady() {} }); // { whenReady: [Function] }
 */
export function pickHooks(config: Readonly<Record<string, unknown>>): Partial<Hooks> {
  const hooks: Partial<Record<HookName, unknown>> = {};
  for (const name of hookNames) {
    if (typeof config[name] === 'function') hooks[name] = config[name];
  }
  return hooks as Partial<Hooks>;
}

/**
 * The object a config module exports. `export default {...}` and `module.exports = {...}` both
 * arrive as `default`; a TypeScript file compiled as CommonJS (no `"type": "module"` nearby)
 * nests it once more. The master and each worker import the file, so both unwrap it here.
 *
 * @example
 * configObjectOf(await import(url)); // { workers: 2, whenReady: [Function] }
 */
export function configObjectOf(module: unknown): unknown {
  let value = (module as { default?: unknown }).default ?? module;
  while (isOnlyDefault(value)) value = value.default;
  return value;
}

function isOnlyDefault(value: unknown): value is { default: unknown } {
  if (typeof value !== 'object' || value === null || !('default' in value)) return false;
  return Object.keys(value).every((key) => key === 'default' || key === '__esModule');
}
