/**
 * The server hooks that run in the master (see protocol/hooks.ts), fed from what the arbiter
 * emits and from the few places in the composition root where Gunicorn calls them (start, fork,
 * reload, upgrade, exit).
 *
 * Master hooks run one at a time, in the order of the events that call them, each bounded by
 * `hookTimeout`: an async `nworkersChanged` for TTIN is finished before the `preFork` of the
 * worker it adds begins, and `onExit` comes after every `childExit`. Gunicorn's master is one
 * thread, so its hooks are serial too.
 *
 * Each settings generation (one per reload) keeps its own hooks. A hook about one worker
 * (`preFork`, `childExit`) is that worker's generation's; the others are the generation's in
 * force, so a reload whose workers failed to boot goes back to the old hooks with the old
 * settings.
 */
import type { ArbiterEmitted } from '../machines/arbiter-machine.ts';
import type { HookLog, HookServer, MasterHooks } from '../protocol/hooks.ts';
import { runHook } from '../protocol/run-hook.ts';
import type { Settings } from '../settings/settings.ts';
import type { LogSink } from './supervision-log.ts';

type MasterHookName = keyof MasterHooks;
/** A hook's arguments after the server, which the runner supplies. */
type HookArgs<TName extends MasterHookName> =
  Parameters<MasterHooks[TName]> extends [HookServer, ...infer TRest] ? TRest : never;

/** What one generation's hooks see and run with. */
export interface HookConfiguration {
  settings: Settings;
  /** Absent: the hooks stay those of the generation before (an embedding program's reload). */
  hooks?: Partial<MasterHooks> | undefined;
}

export interface MasterHookRunner {
  /** Runs a hook of the generation in force once the hooks before it are done; never rejects. */
  run<TName extends MasterHookName>(name: TName, ...args: HookArgs<TName>): Promise<void>;
  /** A reload read `configuration` as `generation`: registers it and runs its `onReload`. */
  reloaded(generation: number, configuration: HookConfiguration): Promise<void>;
  /** `preFork` for a worker about to be forked; undefined when there is none to wait for. */
  beforeFork(workerId: number, generation: number): Promise<void> | undefined;
  /** Runs the hooks that follow the arbiter's events: `whenReady`, `nworkersChanged`, `childExit`. */
  observe(event: ArbiterEmitted): void;
}

export interface MasterHooksOptions extends HookConfiguration {
  log: LogSink;
  /** The generation in force: the arbiter's, once it runs. */
  generation(): number;
}

/**
 * @example
 * const hooks = createMasterHooks({ settings, hooks: options.hooks, log, generation: () => 1 });
 * actor.on('*', hooks.observe);
 */
export function createMasterHooks(options: MasterHooksOptions): MasterHookRunner {
  const { log } = options;
  const hookLog: HookLog = {
    debug: (message) => void log.debug(message),
    info: (message) => void log.info(message),
    warn: (message) => void log.warn(message),
    error: (message) => void log.error(message),
  };
  const configurations = new Map([[1, { settings: options.settings, hooks: options.hooks ?? {} }]]);
  const workerGenerations = new Map<number, number>();
  let tail = Promise.resolve();

  const runIn = <TName extends MasterHookName>(
    generation: number,
    name: TName,
    args: HookArgs<TName>,
  ): Promise<void> => {
    const run = () => {
      const { settings, hooks } = configurationOf(generation);
      const hook = hooks[name] as ((...all: unknown[]) => unknown) | undefined;
      const server: HookServer = { pid: process.pid, settings, log: hookLog };
      const timeoutMs = settings.hookTimeout * 1000;
      return runHook(name, hook, [server, ...args], { timeoutMs, log });
    };
    tail = tail.then(run);
    return tail;
  };
  const configurationOf = (generation: number) =>
    configurations.get(generation) ?? configurations.get(1)!;
  const current = <TName extends MasterHookName>(name: TName, args: HookArgs<TName>) =>
    runIn(options.generation(), name, args);

  return {
    run: (name, ...args) => current(name, args),
    reloaded(generation, configuration) {
      const previous = configurationOf(options.generation()).hooks;
      configurations.set(generation, {
        settings: configuration.settings,
        hooks: configuration.hooks ?? previous,
      });
      return runIn(generation, 'onReload', []);
    },
    beforeFork(workerId, generation) {
      if (configurationOf(generation).hooks.preFork === undefined) return undefined;
      return runIn(generation, 'preFork', [{ id: workerId, generation }]);
    },
    observe(event) {
      switch (event.type) {
        case 'arbiter.ready':
          return void current('whenReady', []);
        case 'workers.changed':
          return void current('nworkersChanged', [event.target, event.previous]);
        case 'worker.spawned':
          return void workerGenerations.set(event.workerId, event.generation);
        case 'worker.exited':
          return childExit(event);
      }
    },
  };

  function childExit(exit: Extract<ArbiterEmitted, { type: 'worker.exited' }>): void {
    // A worker that never got a process (the fork failed) has no exit to report.
    if (exit.pid === null) return;
    const generation = workerGenerations.get(exit.workerId) ?? options.generation();
    workerGenerations.delete(exit.workerId);
    const worker = { id: exit.workerId, generation, pid: exit.pid };
    void runIn(generation, 'childExit', [
      worker,
      { code: exit.code, signal: exit.signal, cause: exit.cause },
    ]);
  }
}
