/**
 * Starts the stall watchdog of a worker: a `worker_thread` that notices when the main event
 * loop has not turned for a while and reports where it is stuck and which requests are in
 * flight, before the master's timeout kills the worker (see stall-watchdog-thread.mjs). The
 * main thread's part is one cheap timer that stores the time in shared memory on each turn.
 *
 * The thread is plain JavaScript and runs without tsx: tsx's hooks do not reach worker threads
 * on Node 20, and the thread needs none, so it also starts faster and smaller without them.
 */
import { createRequire } from 'node:module';
import type * as WorkerThreads from 'node:worker_threads';
import type { WorkerBootConfig } from '../../protocol/worker-boot.ts';
import { IN_FLIGHT_KEY } from './in-flight-table.ts';
import { livenessCell } from './liveness-cell.mjs';
import type { WorkerLog } from '../worker-log.ts';

export interface StallWatchdog {
  /** The app is loaded and served: stalls now count against `timeoutMs`, not the boot timeout. */
  serving(): void;
  stop(): void;
}

export type StallWatchdogOptions = Pick<
  WorkerBootConfig,
  'timeoutMs' | 'bootTimeoutMs' | 'reportFd'
> & {
  log: WorkerLog;
  /**
   * Where the thread's module is. The worker's entry passes it: built, the entry is one bundled
   * file (tools/build.mjs), in which this module's own URL is the entry's, not this file's.
   */
  threadUrl?: URL;
};

const ownThreadUrl = new URL('./watchdog-thread.mjs', import.meta.url);

/**
 * node:worker_threads, loaded when a thread starts rather than with the worker: most workers
 * start theirs only once serving, and loading it is some 3 ms of a worker's start.
 */
const threads = (): typeof WorkerThreads =>
  createRequire(import.meta.url)('node:worker_threads') as typeof WorkerThreads;

/**
 * How long the thread waits for the main thread to pause (and, before that, to enable the
 * debugger, which lists every loaded script) before it reports without a stack. A report starts
 * at half the timeout, and the master sends SIGKILL no sooner than 2 s (its abort grace) after
 * the timeout, so a report is always written before the worker dies.
 */
const SNAPSHOT_WAIT_MS = 1500;

/**
 * Starts the watchdog; call it before the app is imported, so a boot stuck in the app's top
 * level is reported too. Nothing starts when both timeouts are 0: no one would kill the worker.
 *
 * @example
 * const watchdog = startStallWatchdog({ ...config, log });
 * await loadApp(config.app, config.cwd);
 * watchdog.serving();
 */
export function startStallWatchdog(options: StallWatchdogOptions): StallWatchdog {
  if (options.timeoutMs <= 0 && options.bootTimeoutMs <= 0) return { serving() {}, stop() {} };
  const cell = livenessCell();
  const tickMs = tickInterval(options);
  cell.turn(Date.now());
  const tick = setInterval(() => cell.turn(Date.now()), tickMs);
  tick.unref();
  const thread = new (threads().Worker)(options.threadUrl ?? ownThreadUrl, {
    execArgv: [],
    workerData: {
      buffer: cell.buffer,
      reportFd: options.reportFd,
      timeoutMs: options.timeoutMs,
      bootTimeoutMs: options.bootTimeoutMs,
      // The master counts boot-timeout from the fork, which is (nearly) this process's start.
      bootDeadlineMs: Date.now() - process.uptime() * 1000 + options.bootTimeoutMs,
      checkMs: tickMs,
      snapshotWaitMs: SNAPSHOT_WAIT_MS,
      inFlightKey: IN_FLIGHT_KEY,
    },
  });
  // The watchdog must never keep a finished worker alive.
  thread.unref();
  thread.on('error', (error) => options.log.error('the stall watchdog stopped', error));
  const stop = (): void => {
    clearInterval(tick);
    void thread.terminate();
  };
  return {
    serving() {
      cell.setPhase('serving');
      if (options.timeoutMs <= 0) stop();
    },
    stop,
  };
}

/** A watchdog whose thread may start late: the worker calls `beat()` on each heartbeat. */
export interface DeferredWatchdog extends StallWatchdog {
  beat(): void;
}

/**
 * The watchdog as a worker's boot config asks for it: started now when the boot is to be watched
 * (`watchBoot`); otherwise at the first heartbeat after `serving()`, so that a worker that need
 * not report a stuck boot pays for the thread's start (a Node environment of its own, about
 * half a Node process's CPU) neither before it serves nor while a herd started together is
 * still booting. A stall in that first heartbeat interval is still ended by the master's
 * timeout, without a report.
 *
 * @example
 * const watchdog = watchdogFor({ ...config, log, threadUrl });
 * startHeartbeat(config.heartbeatMs, () => watchdog.beat());
 * watchdog.serving();
 */
export function watchdogFor(
  options: StallWatchdogOptions & Pick<WorkerBootConfig, 'watchBoot'>,
): DeferredWatchdog {
  if (options.watchBoot === true) return { ...startStallWatchdog(options), beat() {} };
  let started: StallWatchdog | undefined;
  let serving = false;
  let stopped = false;
  return {
    serving() {
      serving = true;
    },
    beat() {
      if (!serving || stopped || started !== undefined) return;
      started = startStallWatchdog(options);
      started.serving();
    },
    stop() {
      stopped = true;
      started?.stop();
    },
  };
}

/**
 * A fortieth of the shortest timeout, from 10 to 500 ms: a report comes within a few percent of
 * half the timeout, and with the default 30 s both threads wake only twice a second.
 */
function tickInterval(options: StallWatchdogOptions): number {
  const limits = [options.timeoutMs, options.bootTimeoutMs].filter((ms) => ms > 0);
  return Math.max(10, Math.min(500, Math.floor(Math.min(...limits) / 40)));
}
