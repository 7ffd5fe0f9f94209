/**
 * The composition root: binds the sockets, writes the PID file, and runs the arbiter machine
 * with the real actors (OS signals, forked worker processes) provided in, logging what it emits.
 * A new master started by USR2 adopts the old master's sockets instead, and is promoted when
 * the old master exits (see the upgrade-*.ts actors and docs/lifecycle.md).
 * The CLI is a thin layer over this; an embedding program calls it the same way.
 */
import { createActor, type ActorRefFrom } from 'xstate';
import { merge, NEVER } from 'rxjs';
import type { ChildProcess } from 'node:child_process';
import {
  arbiterMachine,
  type ArbiterInput,
  type ArbiterMachine,
  type ArbiterOutput,
} from '../machines/arbiter-machine.ts';
import { workerMachine, type StopMode } from '../machines/worker-machine.ts';
import { ExitCode } from '../protocol/exit-codes.ts';
import type { Hooks } from '../protocol/hooks.ts';
import type { Settings } from '../settings/settings.ts';
import { settingsFromProgram, type SettingsInput } from '../settings/program-settings.ts';
import { parseAddress } from '../settings/parse-address.ts';
import { autoWorkerCount, availableCores } from '../settings/available-cores.ts';
import { bindListeners, type BoundListener } from './listeners/bind-listeners.ts';
import { osSignals$ } from './os-signals.ts';
import { removePidfile, writePidfile } from './pidfile.ts';
import { signalsLogic } from './signals-actor.ts';
import { logSupervision, type LogSink } from './supervision-log.ts';
import { startPauseDetector } from './pause-detector.ts';
import { workerProcessLogic } from './worker-process.ts';
import { createGenerations } from './generations.ts';
import { randomSeed } from './restart-seed.ts';
import { createMasterHooks } from './master-hooks.ts';
import { resolveWorkerIdentity } from './worker-identity.ts';
import { checkTlsFiles, withTlsScheme } from './tls-files.ts';
import { reloadSettingsLogic } from './reload/reload-settings.ts';
import { adoptListeners } from './listeners/inherited.ts';
import { bindChanged, takeHandoff, type Handoff } from './upgrade/handoff.ts';
import {
  adoptActivatedSockets,
  listenerOrigin,
  takeSocketActivation,
  type ActivatedSocket,
} from './systemd/socket-activation.ts';
import { createUpgradeRole, type UpgradeRole } from './upgrade/role.ts';
import type { ReexecCommand } from './upgrade/command.ts';
import { spawnMasterLogic } from './upgrade/spawn-master.ts';
import { attachSystemdNotify } from './systemd/notify.ts';
import { reapOrphans } from './orphan-reaper.ts';
import { attachLogReopen } from './log-reopen.ts';
import { reloadOnChange$ } from './reload/watcher.ts';
import {
  createObservability,
  type InspectObserver,
  type Observability,
} from './observe/observability.ts';

export interface ArbiterOptions {
  /**
   * Answer HUP, TTIN, TTOU, TERM, INT, QUIT... sent to this process. Default false: an embedding
   * program owns its process's signals (the CLI passes true).
   */
  handleSignals?: boolean;
  /** Where lifecycle lines go; the CLI passes its tslog logger. Silent when absent. */
  logger?: LogSink;
  /**
   * Server hooks that run in the master (`whenReady`, `childExit`, ...; see protocol/hooks.ts).
   * Worker hooks come from the config file (`settings.config`), which each worker imports.
   */
  hooks?: Partial<Hooks>;
  /**
   * Reads the settings again for a reload (HUP). The CLI re-parses its command line and config
   * file; by default the settings given to createArbiter are resolved again against the current
   * environment, and the hooks stay as they were.
   */
  reloadSettings?: () => Configuration | Promise<Configuration>;
  /**
   * The command line that starts this master again, for USR2 (upgrade). The CLI passes its own
   * (see `reexecCommand`); without one, USR2 is refused.
   */
  reexec?: ReexecCommand;
  /** Reopens the master's log file on USR1 (the CLI passes its error log's); workers are told too. */
  reopenLogs?: () => void;
  /**
   * An XState inspection observer for the whole actor system (the arbiter and every worker
   * machine): what `--inspector` connects to the Stately inspector, for your own use.
   */
  inspect?: InspectObserver;
}

/** Settings and the master hooks that go with them: what a reload reads again. */
export interface Configuration {
  settings: Settings;
  /** Absent: the hooks in force stay (an empty object removes them). */
  hooks?: Partial<Hooks>;
}

export interface Arbiter {
  /** Binds the sockets and boots the workers; resolves with the addresses listened on. */
  start(): Promise<string[]>;
  /** Resolves when the first full set of workers has reported ready. */
  readonly ready: Promise<void>;
  /** Stops every worker (gracefully by default); `done` resolves when they are gone. */
  stop(mode?: StopMode): void;
  /** Resolves once the arbiter has halted and its sockets and PID file are cleaned up. */
  readonly done: Promise<ArbiterOutput>;
  /** The running arbiter actor (after start), for inspection. */
  readonly actor: ActorRefFrom<ArbiterMachine> | undefined;
  /** Worker processes alive right now; for a last-resort kill when the master itself fails. */
  readonly children: ReadonlySet<ChildProcess>;
}

const silent: LogSink = { debug() {}, info() {}, warn() {}, error() {}, fatal() {} };

/**
 * Settings not given take their defaults (and WEB_CONCURRENCY / PORT), as on the command line.
 *
 * @throws {UsageError} when a setting has a bad value
 * @example
 * const arbiter = createArbiter({ app: 'examples/hello.js', workers: 2, bind: ['127.0.0.1:0'] });
 * const urls = await arbiter.start();
 * await arbiter.ready;
 * arbiter.stop();
 * const { exitCode } = await arbiter.done;
 */
export function createArbiter(input_: SettingsInput, options: ArbiterOptions = {}): Arbiter {
  const settings = settingsFromProgram(input_, process.env);
  const log = options.logger ?? silent;
  const children = new Set<ChildProcess>();
  let actor: ActorRefFrom<ArbiterMachine> | undefined;
  const hooks = createMasterHooks({
    settings,
    hooks: options.hooks,
    log,
    generation: () => actor?.getSnapshot().context.generation ?? 1,
  });
  let resolveReady!: () => void;
  let resolveDone!: (output: ArbiterOutput) => void;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const done = new Promise<ArbiterOutput>((resolve) => (resolveDone = resolve));
  let stopRequested: StopMode | null = null;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  const detach: Array<() => void> = [];
  let observability: Observability | undefined;

  async function start(): Promise<string[]> {
    await hooks.run('onStarting');
    // Before anything is bound or written: an unknown user leaves nothing behind, and the mask
    // applies to the unix socket files (and the workers inherit it).
    const identity = resolveWorkerIdentity(settings);
    checkTlsFiles(settings);
    if (settings.umask !== undefined) process.umask(settings.umask);
    const { listeners, role } = await openResources(settings, log);
    log.info(`Using worker: ${settings.workerClass}`);
    logAutoWorkers(settings, log);

    const generations = createGenerations(listeners);
    const input: ArbiterInput = { ...generations.add(1, settings, identity), seed: randomSeed() };
    const forkOne = (workerId: number, generation: number, standby: boolean) => {
      const child = generations.fork(generation, workerId, standby);
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    };
    const spawn = (workerId: number, generation: number, _pool?: string, standby = false) => {
      const preFork = hooks.beforeFork(workerId, generation);
      if (preFork === undefined) return forkOne(workerId, generation, standby);
      return preFork.then(() => forkOne(workerId, generation, standby));
    };
    const reread =
      options.reloadSettings ??
      (() => ({ settings: settingsFromProgram(input_, process.env), hooks: options.hooks }));
    // A master stopped or stalled for longer than a timeout must not kill healthy workers for it.
    const pauses = startPauseDetector();
    detach.push(pauses.stop);
    const machine = arbiterMachine.provide({
      actors: {
        worker: workerMachine.provide({
          actors: { workerProcess: workerProcessLogic(spawn) },
          guards: { masterWasPaused: ({ context }) => pauses.wasPaused(context.timeoutMs) },
        }),
        // --reload feeds the event HUP sends, so an edit reloads even without signal handling.
        signals: signalsLogic(
          merge(
            options.handleSignals === true ? osSignals$() : NEVER,
            reloadOnChange$(settings, log),
          ),
        ),
        reloadSettings: reloadSettingsLogic(async (generation) => {
          const configuration = await reread();
          const next = configuration.settings;
          checkTlsFiles(next);
          if (next.bind.join() !== settings.bind.join()) {
            log.warn('Reload: bind changed; the sockets stay as they are until an upgrade (USR2)');
          }
          const registered = generations.add(generation, next);
          // Gunicorn's order: the settings are read again, then onReload, then the new workers.
          await hooks.reloaded(generation, configuration);
          return registered;
        }),
        upgrade: spawnMasterLogic({
          command: options.reexec,
          listeners: () => listeners,
          refusal: role.refusal,
          beforeExec: () => hooks.run('preExec'),
        }),
      },
    });
    observability = createObservability(settings, { log, inspect: options.inspect });
    actor = createActor(machine, { input, systemId: 'arbiter', inspect: observability.inspect });
    actor.on('*', (event) => logSupervision(log, event));
    actor.on('*', hooks.observe);
    actor.on('arbiter.ready', () => resolveReady());
    actor.on('upgrade.started', (event) => role.setSuccessor(event.pid));
    actor.on('upgrade.exited', () => role.setSuccessor(null));
    detach.push(
      attachSystemdNotify(actor, { log, role }),
      reapOrphans({ log, own: () => [...children].map((child) => child.pid) }),
      attachLogReopen(actor, { children, reopen: options.reopenLogs, log }),
    );
    try {
      await observability.start(actor);
    } catch (error) {
      for (const stop of detach) stop();
      for (const listener of listeners) listener.close();
      role.finish();
      if (settings.pid !== undefined) removePidfile(settings.pid, process.pid);
      throw error;
    }
    actor.subscribe({
      complete: () => finish(actor?.getSnapshot().output, listeners, role),
      error: (error) =>
        finish(
          { exitCode: ExitCode.Error, reason: `arbiter failed: ${String(error)}` },
          listeners,
          role,
        ),
    });
    // Nothing else need keep the master's loop alive: bound sockets are not polled, and after
    // WINCH it may have no children at all.
    keepAlive = setInterval(() => undefined, 1 << 30);
    role.watch();
    void hooks.run('nworkersChanged', actor.getSnapshot().context.target, undefined);
    actor.start();
    if (stopRequested !== null) actor.send({ type: 'arbiter.stop', mode: stopRequested });
    return listeners.map((listener) => listener.url);
  }

  function finish(
    output: ArbiterOutput | undefined,
    listeners: BoundListener[],
    role: UpgradeRole,
  ): void {
    clearInterval(keepAlive);
    for (const stop of detach) stop();
    // While another master serves on the sockets, a unix socket file must stay.
    const shared = role.sharesSockets();
    for (const listener of listeners) {
      if (shared) listener.release();
      else listener.close();
    }
    role.finish();
    if (settings.pid !== undefined) removePidfile(settings.pid, process.pid);
    const result = output ?? {
      exitCode: ExitCode.Error,
      reason: 'the arbiter ended without an output',
    };
    // The status page, metrics and control socket go with the master; they never hold it up.
    const closing = observability?.stop() ?? Promise.resolve();
    void Promise.all([closing, hooks.run('onExit')]).then(() => resolveDone(result));
  }

  return {
    start,
    ready,
    done,
    children,
    get actor() {
      return actor;
    },
    stop(mode: StopMode = 'graceful') {
      if (actor === undefined) stopRequested = mode;
      else actor.send({ type: 'arbiter.stop', mode });
    },
  };
}

/** Claims the PID file and the sockets and logs them; after USR2, as the new master. */
async function openResources(settings: Settings, log: LogSink) {
  // A new master started by USR2 adopts the old master's sockets instead of binding.
  const handoff = takeHandoff(process.env);
  // Read (and unset) even after an upgrade, when they can only be stale.
  const activation = takeSocketActivation(process.env, log);
  const activated = handoff === null ? activation : null;
  const role = createUpgradeRole({ handoff, pidfile: settings.pid, log });
  const from =
    handoff === null ? '' : ` (a new master, upgrading the master with pid ${handoff.from})`;
  log.info(`Starting corral with pid: ${process.pid}${from}`);
  const listeners = await claimResources(settings, role.startPidfile, handoff, activated);
  if (activated !== null) {
    const bind = settings.bind.join(', ');
    log.info(`Socket activation: serving on systemd's sockets; bind (${bind}) is not used`);
  }
  const inherited = handoff === null ? '' : `, inherited from pid ${handoff.from}`;
  for (const listener of listeners) {
    const origin = listenerOrigin(listener, handoff !== null);
    const url = withTlsScheme(listener.url, settings);
    log.info(`Listening at: ${url} (${process.pid})${inherited}${origin}`);
  }
  if (handoff !== null && bindChanged(handoff, settings.bind)) {
    log.warn('Upgrade: bind changed; this master keeps the inherited sockets until a restart');
  }
  return { listeners, role };
}

/**
 * The PID file first (so a second master refuses before binding), then the sockets: bound, or
 * adopted from the old master after an upgrade (whose pid file is then `PIDFILE.2`), or from
 * systemd socket activation, which takes the place of `bind` as in Gunicorn.
 */
async function claimResources(
  settings: Settings,
  pidfile: string | undefined,
  handoff: Handoff | null,
  activated: readonly ActivatedSocket[] | null,
): Promise<BoundListener[]> {
  if (pidfile !== undefined) writePidfile(pidfile, process.pid);
  try {
    if (handoff !== null) return adoptListeners(handoff.sockets);
    if (activated !== null) return adoptActivatedSockets(activated);
    return await bindListeners(settings.bind.map((address) => parseAddress(address)));
  } catch (error) {
    if (pidfile !== undefined) removePidfile(pidfile, process.pid);
    throw error;
  }
}

/** `-w auto` says what it became, since the count depends on the machine it runs on. */
function logAutoWorkers(settings: Settings, log: LogSink): void {
  if (settings.workers !== 'auto') return;
  const cores = availableCores();
  const count = autoWorkerCount(settings.workerClass, cores);
  const available = `${cores} ${cores === 1 ? 'core' : 'cores'} available`;
  log.info(`Workers: auto → ${count} (${available}, ${settings.workerClass} class)`);
}
