/**
 * The settings generations of one master. A HUP reads the settings again and registers them
 * as a new generation; each worker is forked with the boot config of the generation the arbiter
 * names, so after a failed reload the old generation's replacements still start with the old
 * settings.
 */
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { GenerationSettings } from '../machines/arbiter-machine.ts';
import {
  FIRST_LISTENER_FD,
  type WorkerHttpConfig,
  type WorkerBootConfig,
  type WorkerIdentity,
} from '../protocol/worker-boot.ts';
import { resolveWorkerCount } from '../settings/available-cores.ts';
import type { StatsLevel } from '../protocol/worker-stats.ts';
import type { Settings } from '../settings/settings.ts';
import type { BoundListener } from './listeners/bind-listeners.ts';
import { forkWorker } from './fork-worker.ts';
import { processTitle } from './process-title.ts';
import { workerEnv } from './worker-env.ts';
import { resolveWorkerIdentity } from './worker-identity.ts';
import { masterTimings, restartPolicy, type MasterTimings } from './master-timings.ts';

export type WorkerBootBase = Omit<WorkerBootConfig, 'workerId'>;

export interface Generations {
  /**
   * Registers `settings` as `generation` and returns what the arbiter needs of them. `identity`
   * is `--user`/`--group` resolved (worker-identity.ts), by default here; resolving can throw,
   * so the master resolves it itself at start, before anything is bound.
   */
  add(generation: number, settings: Settings, identity?: WorkerIdentity): GenerationSettings;
  bootConfig(generation: number, workerId: number): WorkerBootConfig;
  settings(generation: number): Settings;
  /**
   * Forks worker `workerId` with the boot config and `-e` environment of `generation`; a
   * standby is told to wait for its promotion before it serves.
   */
  fork(generation: number, workerId: number, standby?: boolean): ChildProcess;
}

/**
 * @example
 * const generations = createGenerations(listeners);
 * const input = generations.add(1, settings);
 */
export function createGenerations(listeners: readonly BoundListener[]): Generations {
  const registered = new Map<number, { settings: Settings; boot: WorkerBootBase }>();
  // One worker of each generation watches its boot (WorkerBootConfig.watchBoot): the first.
  const forked = new Set<number>();
  const firstOf = (generation: number): boolean => {
    if (forked.has(generation)) return false;
    forked.add(generation);
    return true;
  };
  const get = (generation: number) => {
    const found = registered.get(generation);
    if (found === undefined) throw new Error(`no settings generation ${generation}`);
    return found;
  };
  return {
    add(generation, settings, identity = resolveWorkerIdentity(settings)) {
      const timings = masterTimings(settings);
      const boot = { ...workerBootBase(settings, timings, listeners), identity };
      registered.set(generation, { settings, boot });
      return {
        workers: resolveWorkerCount(settings),
        standby: settings.standby,
        timings: timings.worker,
        policy: restartPolicy(settings),
      };
    },
    bootConfig: (generation, workerId) => ({ ...get(generation).boot, workerId }),
    settings: (generation) => get(generation).settings,
    fork: (generation, workerId, standby = false) =>
      forkWorker({
        bootConfig: {
          ...get(generation).boot,
          workerId,
          ...(standby && { standby }),
          ...(firstOf(generation) && { watchBoot: true }),
        },
        listenerFds: listeners.map((listener) => listener.fd),
        env: workerEnv(process.env, get(generation).settings.env),
      }),
  };
}

function workerBootBase(
  settings: Settings,
  timings: MasterTimings,
  listeners: readonly BoundListener[],
): Omit<WorkerBootBase, 'identity'> {
  return {
    app: settings.app,
    cwd: settings.chdir ?? process.cwd(),
    workerClass: settings.workerClass,
    listeners: listeners.map((listener, index) => ({
      fd: FIRST_LISTENER_FD + index,
      url: listener.url,
    })),
    backlog: settings.backlog,
    keepAliveMs: settings.keepAlive * 1000,
    workerConnections: settings.workerConnections,
    heartbeatMs: timings.heartbeatMs,
    orphanGraceMs: timings.orphanGraceMs,
    upgradeGraceMs: timings.upgradeGraceMs,
    logLevel: settings.logLevel,
    timeoutMs: timings.worker.timeoutMs,
    bootTimeoutMs: timings.worker.bootTimeoutMs,
    maxRequests: settings.maxRequests,
    maxRequestsJitter: settings.maxRequestsJitter,
    maxWorkerMemoryMb: settings.maxWorkerMemory,
    reportFd: FIRST_LISTENER_FD + listeners.length,
    configFile: settings.config === undefined ? undefined : resolve(settings.config),
    hookTimeoutMs: settings.hookTimeout * 1000,
    title: processTitle('worker', settings),
    http: workerHttpConfig(settings),
    stats: statsLevel(settings),
  };
}

/** Workers count requests only for something in the master that shows or sends the counts. */
function statsLevel(settings: Settings): StatsLevel {
  if (settings.statsdHost !== undefined) return 'samples';
  const wanted = [settings.statusBind, settings.metricsBind, settings.controlSocket];
  return wanted.some((value) => value !== undefined) ? 'counts' : 'off';
}

function workerHttpConfig(settings: Settings): WorkerHttpConfig {
  const { certfile, keyfile, caCerts, certReqs } = settings;
  return {
    errorLogfile: settings.errorLogfile,
    logFormat: settings.logFormat,
    accessLogfile: settings.accessLogfile,
    accessLogformat: settings.accessLogformat,
    limitRequestLine: settings.limitRequestLine,
    limitRequestFields: settings.limitRequestFields,
    limitRequestFieldSize: settings.limitRequestFieldSize,
    headersTimeoutMs: settings.headersTimeout * 1000,
    requestTimeoutMs: settings.requestTimeout * 1000,
    forwardedAllowIps: settings.forwardedAllowIps,
    proxyProtocol: settings.proxyProtocol,
    proxyAllowFrom: settings.proxyAllowFrom,
    tls:
      certfile === undefined || keyfile === undefined
        ? undefined
        : {
            certfile: resolve(certfile),
            keyfile: resolve(keyfile),
            caCerts: caCerts === undefined ? undefined : resolve(caCerts),
            certReqs,
            http2: settings.http2,
          },
  };
}
