/**
 * The composition root: binds the sockets, writes the PID file, and runs the arbiter machine
 * with the real actors (OS signals, forked worker processes) provided in, logging what it emits.
 * A new master started by USR2 adopts the old master's sockets instead, and is promoted when
 * the old master exits (see the upgrade-*.ts actors and docs/lifecycle.md).
 * The CLI is a thin layer over this; an embedding program calls it the same way.
 */
import { createActor, type ActorRefFrom } from 'xstate';
import { NEVER } from 'rxjs';
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
import { bindListeners, type BoundListener } from './bind-listeners.ts';
import { forkWorker } from './fork-worker.ts';
import { osSignals$ } from './os-signals.ts';
import { removePidfile, writePidfile } from './pidfile.ts';
import { signalsLogic } from './signals-actor.ts';
import { logSupervision, type LogSink } from './supervision-log.ts';
import { workerProcessLogic } from './worker-process.ts';
import { createGenerations } from './generations.ts';
import { reloadSettingsLogic } from './reload-settings.ts';
import { adoptListeners } from './listener-inherited.ts';
import { bindChanged, takeHandoff, type Handoff } from './upgrade-handoff.ts';
import { createUpgradeRole, type UpgradeRole } from './upgrade-role.ts';
import type { ReexecCommand } from './upgrade-command.ts';
import { spawnMasterLogic } from './upgrade-spawn-master.ts';

export interface ArbiterOptions {
  /** Answer HUP, TTIN, TTOU, TERM, INT, QUIT... sent to this process (default true). */
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
}

/** Settings and the master hooks that go with them: what a reload reads again. */
export interface Configuration {
  settings: Settings;
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
  let resolveReady!: () => void;
  let resolveDone!: (output: ArbiterOutput) => void;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const done = new Promise<ArbiterOutput>((resolve) => (resolveDone = resolve));
  let stopRequested: StopMode | null = null;
  let keepAlive: ReturnType<typeof setInterval> | undefined;

  async function start(): Promise<string[]> {
    const { listeners, role } = await openResources(settings, log);
    log.info(`Using worker: ${settings.workerClass}`);

    const generations = createGenerations(listeners);
    const input: ArbiterInput = { ...generations.add(1, settings), seed: randomSeed() };
    const spawn = (workerId: number, generation: number) => {
      const child = forkWorker({
        bootConfig: generations.bootConfig(generation, workerId),
        listenerFds: listeners.map((listener) => listener.fd),
      });
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    };
    const reread =
      options.reloadSettings ??
      (() => ({ settings: settingsFromProgram(input_, process.env), hooks: options.hooks }));
    const machine = arbiterMachine.provide({
      actors: {
        worker: workerMachine.provide({ actors: { workerProcess: workerProcessLogic(spawn) } }),
        signals: signalsLogic(options.handleSignals === false ? NEVER : osSignals$()),
        reloadSettings: reloadSettingsLogic(async (generation) => {
          const { settings: next } = await reread();
          if (next.bind.join() !== settings.bind.join()) {
            log.warn('Reload: bind changed; the sockets stay as they are until an upgrade (USR2)');
          }
          return generations.add(generation, next);
        }),
        upgrade: spawnMasterLogic({
          command: options.reexec,
          listeners: () => listeners,
          refusal: role.refusal,
        }),
      },
    });
    actor = createActor(machine, { input, systemId: 'arbiter' });
    actor.on('*', (event) => logSupervision(log, event));
    actor.on('arbiter.ready', () => resolveReady());
    actor.on('upgrade.started', (event) => role.setSuccessor(event.pid));
    actor.on('upgrade.exited', () => role.setSuccessor(null));
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
    // While another master serves on the sockets, a unix socket file must stay.
    const shared = role.sharesSockets();
    for (const listener of listeners) {
      if (shared) listener.release();
      else listener.close();
    }
    role.finish();
    if (settings.pid !== undefined) removePidfile(settings.pid, process.pid);
    resolveDone(
      output ?? { exitCode: ExitCode.Error, reason: 'the arbiter ended without an output' },
    );
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
  const role = createUpgradeRole({ handoff, pidfile: settings.pid, log });
  const from =
    handoff === null ? '' : ` (a new master, upgrading the master with pid ${handoff.from})`;
  log.info(`Starting corral with pid: ${process.pid}${from}`);
  const listeners = await claimResources(settings, role.startPidfile, handoff);
  const inherited = handoff === null ? '' : `, inherited from pid ${handoff.from}`;
  for (const listener of listeners) {
    log.info(`Listening at: ${listener.url} (${process.pid})${inherited}`);
  }
  if (handoff !== null && bindChanged(handoff, settings.bind)) {
    log.warn('Upgrade: bind changed; this master keeps the inherited sockets until a restart');
  }
  return { listeners, role };
}

/**
 * The PID file first (so a second master refuses before binding), then the sockets: bound, or
 * adopted from the old master after an upgrade (whose pid file is then `PIDFILE.2`).
 */
async function claimResources(
  settings: Settings,
  pidfile: string | undefined,
  handoff: Handoff | null,
): Promise<BoundListener[]> {
  if (pidfile !== undefined) writePidfile(pidfile, process.pid);
  try {
    if (handoff !== null) return adoptListeners(handoff.sockets);
    return await bindListeners(settings.bind.map((address) => parseAddress(address)));
  } catch (error) {
    if (pidfile !== undefined) removePidfile(pidfile, process.pid);
    throw error;
  }
}

/** Seeds the restart jitter; the machine itself stays deterministic. */
function randomSeed(): number {
  return Math.floor(Math.random() * 2_147_483_646) + 1;
}
