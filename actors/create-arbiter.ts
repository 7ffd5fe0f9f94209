/**
 * The composition root: binds the sockets, writes the PID file, and runs the arbiter machine
 * with the real actors (OS signals, forked worker processes) provided in, logging what it emits.
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
import { FIRST_LISTENER_FD, type WorkerBootConfig } from '../protocol/worker-boot.ts';
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
import { masterTimings } from './master-timings.ts';

export interface ArbiterOptions {
  /** Answer HUP, TTIN, TTOU, TERM, INT, QUIT... sent to this process (default true). */
  handleSignals?: boolean;
  /** Where lifecycle lines go; the CLI passes its tslog logger. Silent when absent. */
  logger?: LogSink;
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
export function createArbiter(input: SettingsInput, options: ArbiterOptions = {}): Arbiter {
  const settings = settingsFromProgram(input, process.env);
  const log = options.logger ?? silent;
  const children = new Set<ChildProcess>();
  let actor: ActorRefFrom<ArbiterMachine> | undefined;
  let resolveReady!: () => void;
  let resolveDone!: (output: ArbiterOutput) => void;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const done = new Promise<ArbiterOutput>((resolve) => (resolveDone = resolve));
  let stopRequested: StopMode | null = null;

  async function start(): Promise<string[]> {
    log.info(`Starting corral with pid: ${process.pid}`);
    const listeners = await claimResources(settings);
    for (const listener of listeners) log.info(`Listening at: ${listener.url} (${process.pid})`);
    log.info(`Using worker: ${settings.workerClass}`);

    const timings = masterTimings(settings);
    const bootBase = workerBootBase(
      settings,
      listeners,
      timings.heartbeatMs,
      timings.orphanGraceMs,
    );
    const spawn = (workerId: number) => {
      const child = forkWorker({
        bootConfig: { ...bootBase, workerId },
        listenerFds: listeners.map((listener) => listener.fd),
      });
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    };
    const machine = arbiterMachine.provide({
      actors: {
        worker: workerMachine.provide({ actors: { workerProcess: workerProcessLogic(spawn) } }),
        signals: signalsLogic(options.handleSignals === false ? NEVER : osSignals$()),
      },
    });
    const input: ArbiterInput = { workers: settings.workers, ...timings.worker };
    actor = createActor(machine, { input, systemId: 'arbiter' });
    actor.on('*', (event) => logSupervision(log, event));
    actor.on('arbiter.ready', () => resolveReady());
    actor.subscribe({
      complete: () => finish(actor?.getSnapshot().output, listeners),
      error: (error) =>
        finish({ exitCode: ExitCode.Error, reason: `arbiter failed: ${String(error)}` }, listeners),
    });
    actor.start();
    if (stopRequested !== null) actor.send({ type: 'arbiter.stop', mode: stopRequested });
    return listeners.map((listener) => listener.url);
  }

  function finish(output: ArbiterOutput | undefined, listeners: BoundListener[]): void {
    for (const listener of listeners) listener.close();
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

/** The PID file first (so a second master refuses before binding), then the sockets. */
async function claimResources(settings: Settings): Promise<BoundListener[]> {
  if (settings.pid !== undefined) writePidfile(settings.pid, process.pid);
  try {
    return await bindListeners(settings.bind.map((address) => parseAddress(address)));
  } catch (error) {
    if (settings.pid !== undefined) removePidfile(settings.pid, process.pid);
    throw error;
  }
}

function workerBootBase(
  settings: Settings,
  listeners: BoundListener[],
  heartbeatMs: number,
  orphanGraceMs: number,
): Omit<WorkerBootConfig, 'workerId'> {
  return {
    app: settings.app,
    cwd: process.cwd(),
    workerClass: settings.workerClass,
    listeners: listeners.map((listener, index) => ({
      fd: FIRST_LISTENER_FD + index,
      url: listener.url,
    })),
    backlog: settings.backlog,
    keepAliveMs: settings.keepAlive * 1000,
    workerConnections: settings.workerConnections,
    heartbeatMs,
    orphanGraceMs,
    logLevel: settings.logLevel,
  };
}
