/**
 * The composition root of a supervision tree: checks the spec, binds the pools' sockets, and
 * runs the root supervisor machine with the real actors provided in (forked modules, spawned
 * commands, HTTP pools on their sockets), logging what every supervisor and pool emits. Two
 * trees can run in one program: nothing here is process-wide unless asked (`handleSignals`,
 * `exitProcess`).
 */
import type { ChildProcess } from 'node:child_process';
import { Subject, type Observable } from 'rxjs';
import {
  createActor,
  fromCallback,
  type ActorRefFrom,
  type AnyActorLogic,
  type AnyActorRef,
  type InspectionEvent,
} from 'xstate';
import { arbiterMachine, type ArbiterEmitted } from '../../machines/arbiter-machine.ts';
import {
  supervisorMachine,
  type SupervisorEmitted,
  type SupervisorEvent,
  type SupervisorMachine,
  type SupervisorOutput,
} from '../../machines/supervisor/supervisor-machine.ts';
import { workerMachine, type StopMode } from '../../machines/worker-machine.ts';
import { CorralError } from '../../errors.ts';
import { ExitCode } from '../../protocol/exit-codes.ts';
import type { InspectorConnection } from '../observe/inspector/inspector-bridge.ts';
import { fanOut, toFunction, type InspectObserver } from '../observe/observability.ts';
import { osSignals$ } from '../os-signals.ts';
import { startPauseDetector, type PauseDetector } from '../pause-detector.ts';
import { reloadSettingsLogic } from '../reload/reload-settings.ts';
import type { LogSink } from '../supervision-log.ts';
import { workerProcessLogic } from '../worker-process.ts';
import { openPools, type Pool } from './pools.ts';
import { spawnProcessChild } from './spawn-child.ts';
import { logPool, logTree } from './tree-log.ts';
import { childPlan, planTree, poolsOf, processRun, rootPath, type TreePlan } from './tree-plan.ts';
import {
  kindOf,
  type ChildSpec,
  type DynamicChildOptions,
  type SupervisorSpec,
} from './tree-spec.ts';
import { validateTree } from './validate-tree.ts';

export interface SupervisorOptions {
  /** Where lifecycle lines go (a tslog logger fits). Silent when absent. */
  logger?: LogSink;
  /** An XState inspection observer for the whole tree: every supervisor, pool, worker, child. */
  inspect?: InspectObserver;
  /**
   * A Stately inspector's WebSocket relay (`ws://127.0.0.1:4242`, what `--inspector` takes):
   * the tree streams there, each actor named by its path. It never holds the tree up.
   */
  inspector?: string;
  /** Answer TERM, INT, QUIT (stop) and HUP, TTIN, TTOU (passed to the pools). Default false. */
  handleSignals?: boolean;
  /** Call `process.exit` with the exit code once the tree has stopped. Default false. */
  exitProcess?: boolean;
}

/** What the tree emits: every supervisor's events, and each pool's with the pool's path. */
export type TreeEvent = SupervisorEmitted | (ArbiterEmitted & { pool: string });

export interface Supervisor {
  /** Binds the pools' sockets and starts the root; resolves once it runs (see `ready`). */
  start(): Promise<void>;
  /** Resolves when every child of the tree has started once and is ready. */
  readonly ready: Promise<void>;
  /** Resolves once the root has stopped (on request, or by giving up) and the sockets are closed. */
  readonly done: Promise<SupervisorOutput>;
  readonly events$: Observable<TreeEvent>;
  /** The root supervisor actor (after start); its system holds every actor by path. */
  readonly actor: ActorRefFrom<SupervisorMachine> | undefined;
  /** Processes alive right now, for a last-resort kill when the program itself fails. */
  readonly children: ReadonlySet<ChildProcess>;
  /** The addresses a pool listens at. */
  urls(pool: string): string[];
  stop(mode?: StopMode): void;
  /** OTP's restart_child for a child that is down: start it again. */
  startChild(path: string): void;
  /** OTP's terminate_child: stop it; it stays down until startChild. */
  stopChild(path: string): void;
  restartChild(path: string): void;
  /** Stops a child and forgets it. */
  removeChild(path: string): void;
  /**
   * Adds a child to a running supervisor: to a simple_one_for_one one, an `id` (with its own
   * `args` or `env`) started from the template; to any other, a process or supervisor spec.
   */
  addChild(supervisor: string, child: ChildSpec | ({ id: string } & DynamicChildOptions)): void;
  /** TTIN/TTOU for a pool: `by` workers more (or fewer). */
  scale(pool: string, by: number): void;
  /** HUP for a pool: its settings read again and its workers replaced. */
  reload(pool: string): void;
  /** Sends an event to any actor of the tree by its path (`root/web`, `root/jobs`). */
  send(path: string, event: { type: string }): void;
}

const silent: LogSink = { debug() {}, info() {}, warn() {}, error() {}, fatal() {} };

/**
 * @throws {SupervisorSpecError} when the spec cannot run, naming each bad field
 * @example
 * const tree = createSupervisor({
 *   children: [
 *     { id: 'web', http: { app: 'app.js', workers: 2, bind: ['127.0.0.1:8000'] } },
 *     { id: 'jobs', strategy: 'one_for_all', children: [{ id: 'consumer', module: './consumer.mjs' }] },
 *   ],
 * });
 * await tree.start();
 * const { exitCode } = await tree.done;
 */
export function createSupervisor(
  spec: SupervisorSpec,
  options: SupervisorOptions = {},
): Supervisor {
  validateTree(spec);
  const log = options.logger ?? silent;
  const root = rootPath(spec);
  const events = new Subject<TreeEvent>();
  const children = new Set<ChildProcess>();
  let actor: ActorRefFrom<SupervisorMachine> | undefined;
  let pools = new Map<string, Pool>();
  let plan: TreePlan | undefined;
  let stopRequested: StopMode | null = null;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let pauses: PauseDetector | undefined;
  let inspector: InspectorConnection | undefined;
  let resolveReady!: () => void;
  let resolveDone!: (output: SupervisorOutput) => void;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const done = new Promise<SupervisorOutput>((resolve) => (resolveDone = resolve));
  events.subscribe((event) => {
    if ('pool' in event) logPool(log, event.pool, event);
    else logTree(log, event);
    if (event.type === 'supervisor.ready' && event.path === root) resolveReady();
  });

  const spawn = (
    workerId: number,
    generation: number,
    path?: string,
    standby = false,
  ): ChildProcess => {
    const pool = path === undefined ? undefined : pools.get(path);
    const run = path === undefined ? undefined : plan?.processes.get(path);
    let child: ChildProcess;
    if (pool !== undefined) child = pool.fork(workerId, generation, standby);
    else if (run !== undefined) child = spawnProcessChild(run, path!);
    else throw new Error(`nothing to run for ${path ?? 'a child without a path'}`);
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };

  function machineFor() {
    // As for createArbiter's workers: a tree stopped or stalled past a timeout kills none of its
    // healthy children for the heartbeats that piled up unread meanwhile.
    const detector = startPauseDetector();
    pauses = detector;
    const worker = workerMachine.provide({
      actors: { workerProcess: workerProcessLogic(spawn) },
      guards: { masterWasPaused: ({ context }) => detector.wasPaused(context.timeoutMs) },
    });
    const pool = arbiterMachine.provide({
      actors: {
        worker,
        reloadSettings: reloadSettingsLogic(async (generation, path) =>
          pools.get(path ?? '')!.reload(generation),
        ),
      },
    });
    const signals = fromCallback<{ type: 'noop' }, { path: string }>(({ input, sendBack }) => {
      if (input.path !== root || options.handleSignals !== true) return undefined;
      const subscription = osSignals$().subscribe((event) => sendBack(event));
      return () => subscription.unsubscribe();
    });
    return { machine: supervisorMachine.provide({ actors: { worker, pool, signals } }), pool };
  }

  async function start(): Promise<void> {
    try {
      pools = await openPools(poolsOf(spec));
    } catch (error) {
      // Nothing was started: `done` says so too, so a program awaiting it does not hang.
      const exitCode = error instanceof CorralError ? error.exitCode : ExitCode.Error;
      finish({
        exitCode,
        reason: error instanceof Error ? error.message : String(error),
        chain: [],
      });
      throw error;
    }
    for (const pool of pools.values()) {
      for (const listener of pool.listeners)
        log.info(`[${pool.path}] Listening at: ${listener.url}`);
    }
    plan = planTree(spec, (path) => pools.get(path)!.input);
    const { machine, pool } = machineFor();
    // Imported only when asked for: the inspector package and ws weigh about 30 MB.
    if (options.inspector !== undefined) {
      const { connectInspector } = await import('../observe/inspector/inspector-bridge.ts');
      inspector = connectInspector(options.inspector, log);
    }
    actor = createActor(machine, {
      input: plan.input,
      // Named by its path like every actor below it, for the inspector.
      id: root,
      systemId: root,
      inspect: followEmitters(machine, pool, events, inspection(options.inspect, inspector, log)),
    });
    actor.subscribe({
      complete: () => finish(actor?.getSnapshot().output),
      error: (error) =>
        finish({
          exitCode: ExitCode.Error,
          reason: `supervisor failed: ${String(error)}`,
          chain: [],
        }),
    });
    // Temporary children may all be gone while the tree still runs: it must not end by itself.
    keepAlive = setInterval(() => undefined, 1 << 30);
    actor.start();
    // Started by an event rather than on creation, so the root is announced before its children.
    actor.send({ type: 'supervisor.start' });
    if (stopRequested !== null) actor.send({ type: 'supervisor.stop', mode: stopRequested });
  }

  function finish(output: SupervisorOutput | undefined): void {
    clearInterval(keepAlive);
    pauses?.stop();
    for (const pool of pools.values()) pool.close();
    const result = output ?? {
      exitCode: ExitCode.Error,
      reason: 'the supervisor ended without an output',
      chain: [],
    };
    events.complete();
    // The inspector sees the root's last snapshot before `done`; it never holds the tree up.
    void (inspector?.stop() ?? Promise.resolve()).then(() => {
      resolveDone(result);
      if (options.exitProcess === true) process.exit(result.exitCode);
    });
  }

  const refOf = (path: string): AnyActorRef => {
    const ref = actor?.system.get(path) as AnyActorRef | undefined;
    if (ref === undefined) throw new Error(`no running supervisor, pool or child at ${path}`);
    return ref;
  };
  /** A request about one child goes to its supervisor. */
  const toParent = (path: string, type: SupervisorEvent['type']) => {
    const at = path.lastIndexOf('/');
    if (at <= 0) throw new Error(`${path} is not a child's path (parent/id)`);
    refOf(path.slice(0, at)).send({ type, id: path.slice(at + 1) });
  };

  function addChild(supervisor: string, child: ChildSpec | ({ id: string } & DynamicChildOptions)) {
    const ref = refOf(supervisor);
    const context = (ref.getSnapshot() as { context?: { plans?: Record<string, unknown> } })
      .context;
    // A taken id is the supervisor's to refuse; what runs under it must not change meanwhile.
    if (context?.plans?.[child.id] !== undefined) {
      return ref.send({ type: 'supervisor.add-child', id: child.id });
    }
    const path = `${supervisor}/${child.id}`;
    const template = plan?.templates.get(supervisor);
    if (template !== undefined) {
      const { args, env } = child as DynamicChildOptions;
      const spec = {
        ...template,
        id: child.id,
        args: args ?? template.args,
        env: { ...template.env, ...env },
      };
      validateTree({ children: [spec] });
      plan!.processes.set(path, processRun(spec));
      return ref.send({ type: 'supervisor.add-child', id: child.id });
    }
    validateTree({ children: [child as ChildSpec] });
    const noPool = () => {
      throw new Error(`${path}: a pool cannot be added while the tree runs`);
    };
    if (kindOf(child) === 'pool') noPool();
    const added = childPlan(child as ChildSpec, supervisor, noPool, plan!);
    ref.send({ type: 'supervisor.add-child', id: child.id, plan: added });
  }

  return {
    start,
    ready,
    done,
    events$: events.asObservable(),
    children,
    get actor() {
      return actor;
    },
    urls: (path) => pools.get(path)?.listeners.map((listener) => listener.url) ?? [],
    stop(mode = 'graceful') {
      if (actor === undefined) stopRequested = mode;
      else actor.send({ type: 'supervisor.stop', mode });
    },
    startChild: (path) => toParent(path, 'supervisor.start-child'),
    stopChild: (path) => toParent(path, 'supervisor.stop-child'),
    restartChild: (path) => toParent(path, 'supervisor.restart-child'),
    removeChild: (path) => toParent(path, 'supervisor.remove-child'),
    addChild,
    scale(path, by) {
      const ref = refOf(path);
      for (let i = 0; i < Math.abs(by); i += 1)
        ref.send({ type: by > 0 ? 'signal.ttin' : 'signal.ttou' });
    },
    reload: (path) => refOf(path).send({ type: 'signal.hup' }),
    send: (path, event) => refOf(path).send(event),
  };
}

/**
 * An inspection observer that subscribes to the emitted events of every supervisor and pool as
 * it is created (children of the first state are created with the root, so this must be passed
 * to createActor), then hands each inspection event on to the program's own observer.
 */
function followEmitters(
  machine: AnyActorLogic,
  pool: AnyActorLogic,
  events: Subject<TreeEvent>,
  next: ((event: InspectionEvent) => void) | undefined,
) {
  return (event: InspectionEvent) => {
    if (event.type === '@xstate.actor') {
      const ref = event.actorRef as AnyActorRef & { logic: unknown; getSnapshot(): unknown };
      if (ref.logic === machine) ref.on('*', (emitted: SupervisorEmitted) => events.next(emitted));
      // Its system id is set only after this event, so it is read when the pool emits.
      if (ref.logic === pool)
        ref.on('*', (emitted: ArbiterEmitted) =>
          events.next({ ...emitted, pool: poolPathOf(ref) }),
        );
    }
    next?.(event);
  };
}

/** A pool's path is its actor's system id. */
function poolPathOf(ref: AnyActorRef): string {
  return (ref as unknown as { systemId?: string }).systemId ?? ref.id;
}

/** The program's observer and the inspector's, as one that a throwing observer cannot break. */
function inspection(
  inspect: InspectObserver | undefined,
  inspector: InspectorConnection | undefined,
  log: LogSink,
): ((event: InspectionEvent) => void) | undefined {
  const observers = [toFunction(inspect), inspector?.inspect].filter((o) => o !== undefined);
  return observers.length === 0 ? undefined : fanOut(observers, log);
}
