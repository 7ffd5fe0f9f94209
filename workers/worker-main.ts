/**
 * The entry point of a worker process, forked by the master (see actors/fork-worker.ts) with
 * the bound listening sockets at fds 3, 4, ... and the boot config in CORRAL_WORKER_BOOT.
 *
 * In order: read the boot config; start the stall watchdog (before any of the app runs, so a
 * boot stuck in the app's top level is reported too); ignore the signals meant for the master;
 * install the stop handlers; start the heartbeat (which also checks the memory ceiling); load
 * the app (on failure: `boot-failed`, then exit 3 or 4); report `booted`; serve on every
 * listener with the configured worker class; report `ready`.
 *
 * Every request is recorded in the in-flight table (for stall reports) and counted (for
 * max-requests) as it starts, before the app sees it.
 */
import type { RequestListener } from 'node:http';
import { ExitCode } from '../protocol/exit-codes.ts';
import { readWorkerBootConfig, type WorkerBootConfig } from '../protocol/worker-boot.ts';
import { reportAbort } from './abort-report.ts';
import { asyncWorker } from './async-worker.ts';
import { guardListener } from './guard-listener.ts';
import { startHeartbeat } from './heartbeat.ts';
import { loadApp } from './load-app.ts';
import { flushToMaster, postToMaster } from './master-channel.ts';
import { createRecycling, type Recycling } from './recycling.ts';
import { startStallWatchdog, type StallWatchdog } from './stall-watchdog.ts';
import { syncWorker } from './sync-worker.ts';
import type { WorkerClass } from './worker-class.ts';
import { createWorkerLog, type WorkerLog } from './worker-log.ts';
import { createStopControl, type StopControl } from './worker-stop.ts';

const workerClasses: Record<WorkerBootConfig['workerClass'], WorkerClass> = {
  async: asyncWorker,
  sync: syncWorker,
};

// Sent to the whole process group by terminals and meant for the master: HUP reloads, TTIN/TTOU
// scale (their default action would stop this process), WINCH and USR2 are the master's too.
const masterSignals = ['SIGHUP', 'SIGTTIN', 'SIGTTOU', 'SIGWINCH', 'SIGUSR2'] as const;

const config = readWorkerBootConfig(process.env);
const log = createWorkerLog(config.workerId);
const watchdog = startStallWatchdog({ ...config, log });
for (const signal of masterSignals) process.on(signal, () => {});
const stop = createStopControl({
  orphanGraceMs: config.orphanGraceMs,
  exit: (code) => process.exit(code),
});
installStopHandlers(stop, log);
const recycling = createRecycling({ config, send: postToMaster });
startHeartbeat(config.heartbeatMs, () => {
  postToMaster({ act: 'heartbeat' });
  recycling.onHeartbeat();
});
await boot(config, { stop, log, watchdog, recycling });

/** What boot drives besides the config: created before the app is loaded. */
interface WorkerParts {
  stop: StopControl;
  log: WorkerLog;
  watchdog: StallWatchdog;
  recycling: Recycling;
}

async function boot(config: WorkerBootConfig, parts: WorkerParts): Promise<void> {
  const { stop, log, watchdog } = parts;
  const loaded = await loadApp(config.app, config.cwd);
  if (!loaded.ok) {
    // Gunicorn prints the traceback of a failed import; the reason alone loses the location.
    if (loaded.cause !== undefined) log.error(`cannot load '${config.app}'`, loaded.cause);
    await flushToMaster({ act: 'boot-failed', exitCode: loaded.exitCode, reason: loaded.reason });
    process.exit(loaded.exitCode);
  }
  postToMaster({ act: 'booted' });
  const guarded = guardListener(loaded.listener, (error, req) =>
    log.error(`${req.method ?? '?'} ${req.url ?? '?'} failed`, error),
  );
  const listener = observeRequests(guarded, parts.recycling);
  try {
    const serving = await workerClasses[config.workerClass].serve({ config, listener, log });
    if (!stop.serving(serving)) return;
    watchdog.serving();
    parts.recycling.serving();
    postToMaster({ act: 'ready' });
  } catch (error) {
    log.error('cannot listen on the inherited sockets', error);
    process.exit(ExitCode.Error);
  }
}

function observeRequests(listener: RequestListener, recycling: Recycling): RequestListener {
  return (req, res) => {
    recycling.onRequest();
    listener(req, res);
  };
}

function installStopHandlers(stop: StopControl, log: WorkerLog): void {
  process.on('SIGTERM', stop.graceful);
  process.on('SIGQUIT', stop.quick);
  process.on('SIGINT', stop.quick);
  process.on('SIGABRT', () => {
    reportAbort(log);
    process.exit(ExitCode.Error);
  });
  // The channel closes when the master exits or is killed: do not outlive it for long.
  process.on('disconnect', stop.orphaned);
}
