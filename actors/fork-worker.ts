/**
 * Forks one worker process: workers/worker-main.ts under Node with tsx's loader (workers and
 * `.ts` apps load without a build step, in one process with no wrapper), the bound listening
 * sockets inherited as fds 3, 4, ..., then the stall report pipe, then the IPC channel, and the
 * boot config as JSON in CORRAL_WORKER_BOOT.
 *
 * The report pipe is the one pipe after stdin, stdout and stderr (see {@link reportPipeOf}): the
 * worker's watchdog thread writes stall reports to it, because the IPC channel belongs to the
 * worker's main thread, which is the one that is stuck when there is something to report.
 *
 * The sockets are bound but not listening in the master (see the listener actors): each worker
 * calls listen on its copy, so the kernel balances connections and the master never accepts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  FIRST_LISTENER_FD,
  WORKER_BOOT_ENV,
  type WorkerBootConfig,
} from '../protocol/worker-boot.ts';
import { ownExtensionOf } from '../protocol/package-root.ts';
import { withoutNotifyEnv } from './systemd/notify-socket.ts';

export interface ForkWorkerOptions {
  /**
   * The worker's boot config; each `listeners[i].fd` is set to the fd it lands on (3 + i), and
   * `reportFd` to the report pipe's (3 + the number of listeners), so neither need be given.
   */
  bootConfig: Omit<WorkerBootConfig, 'reportFd'> & { reportFd?: number };
  /** The master's fds of the bound sockets, in the order of `bootConfig.listeners`. */
  listenerFds: readonly number[];
  /** The worker's environment; defaults to the master's. CORRAL_WORKER_BOOT is added to it. */
  env?: NodeJS.ProcessEnv;
  /** Extra Node flags for the worker, after tsx's `--import`. */
  execArgv?: readonly string[];
  /** The worker's stdin, stdout and stderr: the master's (default) or pipes, as specs want. */
  stdio?: 'inherit' | 'pipe';
}

/** The longest worker title shown whole (a longer `-n` is cut at the end). */
const TITLE_ROOM = 512;

const workerMain = fileURLToPath(
  new URL(`../workers/worker-main${ownExtensionOf(import.meta.url)}`, import.meta.url),
);

/** Whether a worker needs tsx's loader: its app or its config file is TypeScript. */
function needsTypeScript(bootConfig: Pick<WorkerBootConfig, 'app' | 'configFile'>): boolean {
  // Built, corral itself is JavaScript; from source, its own worker code needs tsx.
  if (ownExtensionOf(import.meta.url) === '.ts') return true;
  // `app.ts` or `app.ts:createApp({"a": 1})`: the module part ends at the first `:` after it.
  return (
    /\.[cm]?tsx?(:|$)/.test(bootConfig.app) || /\.[cm]?tsx?$/.test(bootConfig.configFile ?? '')
  );
}

/**
 * Forks a worker on the given bound sockets. The worker reports over IPC (`booted`, `ready`,
 * `heartbeat`, ...; see protocol/ipc-messages.ts) and is stopped with signals.
 *
 * @example
 * const child = forkWorker({ bootConfig, listenerFds: [handle.fd] });
 * child.on('message', (message) => { if (isWorkerMessage(message)) ... });
 */
export function forkWorker(options: ForkWorkerOptions): ChildProcess {
  const { bootConfig, listenerFds } = options;
  if (bootConfig.listeners.length !== listenerFds.length) {
    throw new Error(
      `forkWorker: ${bootConfig.listeners.length} listeners in the boot config but ${listenerFds.length} fds`,
    );
  }
  const listeners = bootConfig.listeners.map((listener, i) => ({
    ...listener,
    fd: FIRST_LISTENER_FD + i,
  }));
  const reportFd = FIRST_LISTENER_FD + listeners.length;
  const std = options.stdio ?? 'inherit';
  const config: WorkerBootConfig = { ...bootConfig, listeners, reportFd };
  return fork(workerMain, [], {
    cwd: bootConfig.cwd,
    // import.meta.resolve gives tsx's absolute URL, so the app's cwd need not contain tsx.
    execArgv: [
      // Linux shows a title in the memory of the command line, so the command line must be as
      // long as the title: Node's own --title both makes the room and sets it from the start.
      `--title=${bootConfig.title.slice(0, TITLE_ROOM)}`,
      ...(needsTypeScript(bootConfig) ? ['--import', import.meta.resolve('tsx')] : []),
      ...(options.execArgv ?? []),
    ],
    // Entries 3, 4, ... of stdio become the child's fds 3, 4, ...: the listeners, the report
    // pipe, then 'ipc'.
    stdio: [std, std, std, ...listenerFds, 'pipe', 'ipc'],
    // Workers never talk to systemd: only the master is the service's process.
    env: {
      ...withoutNotifyEnv(options.env ?? process.env),
      [WORKER_BOOT_ENV]: JSON.stringify(config),
    },
  });
}

/**
 * The master's end of a forked worker's stall report pipe: the first pipe after stdin, stdout
 * and stderr (the listener and IPC entries of `child.stdio` are null). Null for a child that
 * has none, such as one a spec or an embedding program started another way.
 *
 * @example
 * reportPipeOf(child)?.on('data', (chunk) => ...);
 */
export function reportPipeOf(child: ChildProcess): Readable | null {
  const pipe = child.stdio.slice(FIRST_LISTENER_FD).find((entry) => entry !== null);
  return (pipe as Readable | undefined) ?? null;
}
