/**
 * What a worker process is told when it is forked: the boot config travels as JSON in one
 * environment variable, and the listening sockets are inherited as file descriptors 3, 4, ...
 * in the order of `listeners` (the IPC channel comes after them).
 *
 * @example
 * const config = readWorkerBootConfig(process.env);
 */

import type { StatsLevel } from './worker-stats.ts';

export const WORKER_BOOT_ENV = 'CORRAL_WORKER_BOOT';

/** The first inherited listener's file descriptor in the worker. */
export const FIRST_LISTENER_FD = 3;

export type WorkerClassName = 'async' | 'sync';

export interface WorkerListener {
  /** File descriptor of the bound socket in the worker process. */
  fd: number;
  /** Human-readable address, for logs: `http://127.0.0.1:8000`, `unix:/run/app.sock`. */
  url: string;
}

export interface WorkerBootConfig {
  /** Stable id the master gave this worker (1, 2, 3, ...): never reused within one master. */
  workerId: number;
  /** APP_MODULE as given: `app.js`, `./app.mjs:handler`, `server.ts:createApp()`. */
  app: string;
  /** Directory the app path is resolved against. */
  cwd: string;
  workerClass: WorkerClassName;
  listeners: WorkerListener[];
  /** listen(2) backlog for each socket. */
  backlog: number;
  /** Idle keep-alive time in ms (async class; 0 disables keep-alive). */
  keepAliveMs: number;
  /** Most connections one worker holds open at once (async class). */
  workerConnections: number;
  /** How often the main loop sends a heartbeat, in ms. */
  heartbeatMs: number;
  /** How long the worker itself waits for in-flight requests when its master disappears, in ms. */
  orphanGraceMs: number;
  /**
   * How long a graceful stop leaves upgraded connections (WebSockets) to the app, in ms: a little
   * less than --graceful-timeout, so the worker ends them itself before the master would kill it.
   */
  upgradeGraceMs: number;
  /** tslog level name for the worker's own log lines. */
  logLevel: string;
  /** The master's heartbeat timeout in ms (0: off); the stall watchdog reports before it fires. */
  timeoutMs: number;
  /** The master's boot timeout in ms (0: off); a boot stuck this long is reported too. */
  bootTimeoutMs: number;
  /**
   * Start the stall watchdog before the app is imported, so a boot stuck in the app's top level
   * is reported with its stack; otherwise it starts once the worker serves. The master asks it
   * of the first worker of each generation only: the others run the same code, and the watchdog's
   * thread costs a worker's start as much CPU as half a Node process (docs/benchmarks.md).
   */
  watchBoot?: boolean;
  /** Ask to be recycled after this many requests plus a random 0..maxRequestsJitter (0: never). */
  maxRequests: number;
  maxRequestsJitter: number;
  /** Ask to be recycled when RSS stays above this many MiB (0: no ceiling). */
  maxWorkerMemoryMb: number;
  /**
   * A pipe to the master for stall reports ({@link StallReport} as JSON lines), written by the
   * watchdog thread, which cannot use the IPC channel. It is the fd after the listeners.
   */
  reportFd: number;
  /**
   * The config file's absolute path, when there is one: the worker imports it for the worker
   * hooks (`postFork`, `preRequest`, ...), since functions cannot travel in this JSON.
   */
  configFile: string | undefined;
  /** How long an async hook is awaited, in ms (0: no limit). */
  hookTimeoutMs: number;
  /** The process title to set: `corral: worker [name]`. */
  title: string;
  /** `--check-config`: load the app, report `booted` and exit 0, without serving. */
  checkOnly?: boolean;
  /**
   * Start as a standby (`--standby`): load the app, report `booted` then `standby`, and listen
   * only once the master sends `promote` (workers/lifecycle/standby.ts).
   */
  standby?: boolean;
  /**
   * Who the worker runs as (`--user`, `--group`), resolved to ids by the master; the worker
   * switches itself before the app loads. Undefined: it keeps the master's identity.
   */
  identity: WorkerIdentity | undefined;
  /** What the worker's HTTP side needs: logs, request limits, timeouts, proxies, TLS. */
  http: WorkerHttpConfig;
  /**
   * Which request counts to send with each heartbeat: `off` unless the status page, metrics,
   * statsd or the control socket is on (protocol/worker-stats.ts).
   */
  stats: StatsLevel;
}

/** The HTTP side of a worker's boot config (see the settings of the same names). */
export interface WorkerHttpConfig {
  /** `-` for stderr, or a file the worker appends to (and reopens on the master's word). */
  errorLogfile: string;
  logFormat: 'text' | 'json';
  /** Undefined: no access log; `-`: stdout. */
  accessLogfile: string | undefined;
  accessLogformat: string;
  limitRequestLine: number;
  limitRequestFields: number;
  limitRequestFieldSize: number;
  headersTimeoutMs: number;
  /** 0: no limit. */
  requestTimeoutMs: number;
  forwardedAllowIps: string;
  proxyProtocol: boolean;
  proxyAllowFrom: string;
  /** Set when the workers serve HTTPS: PEM file paths, resolved by the master. */
  tls: WorkerTlsConfig | undefined;
}

export interface WorkerTlsConfig {
  certfile: string;
  keyfile: string;
  caCerts: string | undefined;
  certReqs: 'none' | 'optional' | 'required';
  /** Offer h2 in ALPN and serve HTTP/2 to the clients that take it (--http2). */
  http2: boolean;
}

/** A user and group to switch to, as the master resolved them from names or ids. */
export interface WorkerIdentity {
  uid: number;
  gid: number;
  /**
   * The user's name, for its supplementary groups (initgroups). Undefined for a uid with no
   * account, or when only a group is given: the group is then the only one.
   */
  user: string | undefined;
}

export function readWorkerBootConfig(env: NodeJS.ProcessEnv): WorkerBootConfig {
  const raw = env[WORKER_BOOT_ENV];
  if (raw === undefined) {
    throw new Error(`${WORKER_BOOT_ENV} is not set: this file is started by the corral master`);
  }
  return JSON.parse(raw) as WorkerBootConfig;
}
