/**
 * The entry point of a worker process, forked by the master (see actors/fork-worker.ts) with
 * the bound listening sockets at fds 3, 4, ... and the boot config in CORRAL_WORKER_BOOT.
 *
 * In order: read the boot config; set the process title and switch to `--user`/`--group` (so
 * none of the app runs as root); start the stall watchdog if the boot is to be watched (the
 * first worker of a generation: before any of the app runs, so a boot stuck in the app's top
 * level is reported too; the others start it at their first heartbeat once serving); ignore the
 * signals meant for the master; install the stop handlers; start the heartbeat (which also
 * checks the memory ceiling); import the config file's worker hooks and run `postFork`; load the
 * app, or the server a `server.js` asks to listen (on failure: `boot-failed`, then exit 3 or 4);
 * run `postWorkerInit`; report `booted`; listen on every listener with the configured worker
 * class (a standby with accept stopped until `promote`); report `ready`. Every exit after that
 * point runs `workerExit` first.
 *
 * The connection tracker knows each request in flight (for stall reports) by its connection,
 * and max-requests counts each as it starts, before the app sees it.
 */
import type { RequestListener } from 'node:http';
import { ExitCode } from '../protocol/exit-codes.ts';
import { readWorkerBootConfig, type WorkerBootConfig } from '../protocol/worker-boot.ts';
import { asyncWorker } from './classes/async-worker.ts';
import { dropPrivilegesOrExit } from './lifecycle/drop-privileges.ts';
import { withForwardedHeaders } from './proxy/forwarded-headers.ts';
import { guardListener } from './requests/guard-listener.ts';
import { http2Refusal } from './http2/http2-apps.ts';
import { startHeartbeat } from './lifecycle/heartbeat.ts';
import { adoptServer, type AdoptedServer } from './app/adopt-server.ts';
import { bootApp, type BootAppOptions } from './app/boot-app.ts';
import type { LoadAppResult } from './app/load-app.ts';
import { flushToMaster, postToMaster } from './lifecycle/master-channel.ts';
import { createRecycling, type Recycling } from './lifecycle/recycling.ts';
import { createRequestStats, type RequestStats } from './requests/request-stats.ts';
import { withRequestHooks } from './requests/request-hooks.ts';
import { standbyHold } from './lifecycle/standby.ts';
import { watchdogFor, type StallWatchdog } from './stall/watchdog.ts';
import { exitAfterHook, installStopSignals } from './lifecycle/stop-signals.ts';
import { screenRequests } from './screening/screen-requests.ts';
import { syncWorker } from './classes/sync-worker.ts';
import { TlsFileUnreadable } from './serving/tls-engine.ts';
import { replaceOnUncaught } from './lifecycle/uncaught-errors.ts';
import type { WorkerClass } from './classes/worker-class.ts';
import { createWorkerHooks, type WorkerHookRunner } from './worker-hooks.ts';
import { openWorkerLogs, type WorkerLog } from './worker-log.ts';
import { createStopControl, type StopControl } from './lifecycle/worker-stop.ts';

const workerClasses: Record<WorkerBootConfig['workerClass'], WorkerClass> = {
  async: asyncWorker,
  sync: syncWorker,
};

// Sent to the whole process group by terminals and meant for the master: HUP reloads, TTIN/TTOU
// scale (their default action would stop this process), WINCH and USR2 are the master's too.
const masterSignals = ['SIGHUP', 'SIGTTIN', 'SIGTTOU', 'SIGWINCH', 'SIGUSR2'] as const;

const config = readWorkerBootConfig(process.env);
// First: ps names the worker from the start, and nothing after this line runs as root.
process.title = config.title;
await dropPrivilegesOrExit(config.identity);
const { log, withAccessLog, logUpgrade } = openWorkerLogs(config);
const hooks = createWorkerHooks(config, log);
// Every way out from here on passes through it, so `workerExit` runs once, last.
const exitWorker = exitAfterHook(hooks, (code) => process.exit(code));
// Relative to this file, which is at the same place from source, built, and bundled.
const threadUrl = new URL('./stall/watchdog-thread.mjs', import.meta.url);
const watchdog = watchdogFor({ ...config, log, threadUrl });
for (const signal of masterSignals) process.on(signal, () => {});
const stop = createStopControl({
  orphanGraceMs: config.orphanGraceMs,
  exit: exitWorker,
});
installStopSignals({ stop, log, hooks, exit: exitWorker });
const recycling = createRecycling({ config, send: postToMaster });
const requestStats = createRequestStats(config.stats);
startHeartbeat(config.heartbeatMs, () => {
  const stats = requestStats.read();
  postToMaster(stats === undefined ? { act: 'heartbeat' } : { act: 'heartbeat', stats });
  recycling.onHeartbeat();
  watchdog.beat();
});
await boot(config, { stop, log, watchdog, recycling, hooks, requestStats });

/** What boot drives besides the config: created before the app is loaded. */
interface WorkerParts {
  stop: StopControl;
  log: WorkerLog;
  watchdog: StallWatchdog;
  recycling: Recycling;
  hooks: WorkerHookRunner;
  requestStats: RequestStats;
}

async function boot(config: WorkerBootConfig, parts: WorkerParts): Promise<void> {
  const { stop, log, watchdog, hooks } = parts;
  // --check-config asks only whether the app loads: no hook runs for it.
  if (config.checkOnly === true) return checkAppLoads(config);
  // The master has loaded the same file already, so a failure here is rare; it is a boot failure.
  const hooksLoaded = await hooks.load();
  if (!hooksLoaded.ok) return failBoot(ExitCode.WorkerBootError, hooksLoaded);
  await hooks.run('postFork');
  const loaded = await bootApp(bootAppOptions(config));
  // Gunicorn prints the traceback of a failed import; the reason alone loses the location.
  if (!loaded.ok) return failBoot(loaded.exitCode, loaded, `cannot load '${config.app}'`);
  const refusal = config.http.tls?.http2 === true ? http2Refusal(loaded.listener) : undefined;
  if (refusal !== undefined)
    return failBoot(ExitCode.AppLoadError, { reason: `--http2: ${refusal}` });
  await hooks.run('postWorkerInit');
  postToMaster({ act: 'booted' });
  const { appListener, adopted } = servedBy(loaded);
  const guarded = guardListener(appListener, (error, req) =>
    log.error(`${req.method ?? '?'} ${req.url ?? '?'} failed`, error),
  );
  // Forwarded headers from untrusted peers go before a preRequest hook could believe them.
  const hooked = withForwardedHeaders(
    withRequestHooks(guarded, hooks),
    config.http.forwardedAllowIps,
  );
  // Refused requests reach the access log, but not the hooks, the app or the request count.
  const screened = screenRequests(observeRequests(hooked, parts.recycling), config.http, log);
  const listener = withAccessLog(screened);
  // Counted where the connection tracker sees every response close: refused requests too, as
  // in the access log.
  const { onResponseClosed } = parts.requestStats;
  try {
    const serving = await workerClasses[config.workerClass].serve({
      config,
      listener,
      log,
      onResponseClosed,
      // A standby (--standby) listens, then waits with accept stopped until it is promoted.
      hold: standbyHold(config, watchdog),
      server: adopted,
      onUpgrade: logUpgrade,
    });
    if (!stop.serving(serving)) return;
    watchdog.serving();
    parts.recycling.serving();
    postToMaster({ act: 'ready' });
    replaceOnUncaught(log, exitWorker);
  } catch (error) {
    // Every worker would fail alike: stop the master with the reason rather than loop.
    if (error instanceof TlsFileUnreadable) {
      return failBoot(ExitCode.WorkerBootError, { reason: error.message });
    }
    log.error('cannot listen on the inherited sockets', error);
    exitWorker(ExitCode.Error);
  }
}

/** `--check-config`: load the app, report `booted`, exit 0; or fail the boot as usual. */
async function checkAppLoads(config: WorkerBootConfig): Promise<void> {
  const loaded = await bootApp(bootAppOptions(config));
  if (!loaded.ok) return failBoot(loaded.exitCode, loaded, `cannot load '${config.app}'`);
  await flushToMaster({ act: 'booted' });
  process.exit(ExitCode.Ok);
}

async function failBoot(
  exitCode: 3 | 4,
  failure: { reason: string; cause?: unknown },
  what = 'cannot boot',
): Promise<void> {
  if (failure.cause !== undefined) log.error(what, failure.cause);
  await flushToMaster({ act: 'boot-failed', exitCode, reason: failure.reason });
  exitWorker(exitCode);
}

function bootAppOptions(config: WorkerBootConfig): BootAppOptions {
  return {
    app: config.app,
    cwd: config.cwd,
    bootTimeoutMs: config.bootTimeoutMs,
    bindUrls: config.listeners.map((listener) => listener.url),
    log,
    fatal: (exitCode, reason, cause) =>
      void failBoot(exitCode, { reason, cause }, `cannot run '${config.app}'`),
  };
}

/** The app's own listeners, and its server when it brought one. */
function servedBy(loaded: Extract<LoadAppResult, { ok: true }>): {
  appListener: RequestListener;
  adopted: AdoptedServer | undefined;
} {
  if (loaded.listener !== undefined) return { appListener: loaded.listener, adopted: undefined };
  const adopted = adoptServer(loaded.server);
  return { appListener: adopted.appListener, adopted };
}

function observeRequests(listener: RequestListener, recycling: Recycling): RequestListener {
  if (!recycling.countsRequests) return listener;
  return (req, res) => {
    recycling.onRequest();
    listener(req, res);
  };
}
