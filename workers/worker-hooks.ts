/**
 * The worker hooks of one worker process. Functions cannot travel in the boot config, so the
 * worker imports the config file itself (the master has already loaded and checked the same
 * file) and keeps its worker hooks; a JSON config has none.
 *
 * The runner exists before the hooks are loaded, so the stop handlers installed at the very start
 * can call it: until `load` has run, every hook is absent.
 */
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { configObjectOf, pickHooks, type HookWorker, type WorkerHooks } from '../protocol/hooks.ts';
import { runHook } from '../protocol/run-hook.ts';
import type { WorkerBootConfig } from '../protocol/worker-boot.ts';
import { importModule } from './app/import-module.mjs';
import type { WorkerLog } from './worker-log.ts';

type WorkerHookName = keyof WorkerHooks;
/** A hook's arguments after the worker, which the runner supplies. */
type HookArgs<TName extends WorkerHookName> =
  Parameters<WorkerHooks[TName]> extends [HookWorker, ...infer TRest] ? TRest : never;

export type HookLoad = { ok: true } | { ok: false; reason: string; cause: unknown };

export interface WorkerHookRunner {
  /** Imports the config file's hooks; a failure is the caller's to report (a boot failure). */
  load(): Promise<HookLoad>;
  has(name: WorkerHookName): boolean;
  /** Undefined when there is nothing to wait for; see runHook. */
  run<TName extends WorkerHookName>(
    name: TName,
    ...args: HookArgs<TName>
  ): Promise<void> | undefined;
}

/**
 * @example
 * const hooks = createWorkerHooks(config, log);
 * if (!(await hooks.load()).ok) ...; // boot failure
 * await hooks.run('postFork');
 */
export function createWorkerHooks(config: WorkerBootConfig, log: WorkerLog): WorkerHookRunner {
  let hooks: Partial<WorkerHooks> = {};
  const worker: HookWorker = {
    id: config.workerId,
    pid: process.pid,
    app: config.app,
    workerClass: config.workerClass,
    log,
  };
  const options = { timeoutMs: config.hookTimeoutMs, log };
  return {
    async load() {
      const file = config.configFile;
      if (file === undefined || extname(file) === '.json') return { ok: true };
      try {
        const exported = configObjectOf(await importModule(pathToFileURL(file).href));
        if (typeof exported === 'object' && exported !== null)
          hooks = pickHooks(exported as Record<string, unknown>);
        return { ok: true };
      } catch (error) {
        const reason = `Loading the config file '${file}' for its worker hooks failed: ${String(error)}`;
        return { ok: false, reason, cause: error };
      }
    },
    has: (name) => hooks[name] !== undefined,
    run(name, ...args) {
      const hook = hooks[name] as ((...all: unknown[]) => unknown) | undefined;
      return runHook(name, hook, [worker, ...args], options);
    },
  };
}
