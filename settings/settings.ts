/**
 * The resolved settings of one corral master: what the CLI, a config file or an embedding
 * program ends up with after parsing and validation. Durations are in seconds, as on the
 * command line; the composition root converts them to milliseconds for the machines.
 *
 * The table in `settings-table.ts` is the single source of names, flags, defaults and help text.
 */
import type { LogLevel } from '../logging/log-levels.ts';
import type { WorkerClassName } from '../protocol/worker-boot.ts';

// Defined next to the logger so worker code, which may not import settings/, shares it.
export type { LogLevel };

export interface Settings {
  /** APP_MODULE: `app.js`, `app.mjs:handler`, `server.ts:createApp()`. */
  app: string;
  /** Addresses to listen on: `HOST:PORT`, `[::1]:PORT`, `unix:PATH`. */
  bind: string[];
  /** A count, or `auto`: derived from the cores available when the master starts. */
  workers: number | 'auto';
  /** Standby workers kept booted beside the serving ones, promoted when one is missing. */
  standby: number;
  workerClass: WorkerClassName;
  /** Seconds a worker may stay silent before it is aborted; 0 disables the check. */
  timeout: number;
  /** Seconds a stopping worker gets to finish before it is killed. */
  gracefulTimeout: number;
  /** Seconds a new worker gets to load the app and report ready. */
  bootTimeout: number;
  /** Seconds an idle keep-alive connection stays open (async class). */
  keepAlive: number;
  /** Requests a worker serves before it asks to be replaced (plus its jitter); 0 never. */
  maxRequests: number;
  /** Each worker adds a random 0..maxRequestsJitter to maxRequests, so they recycle apart. */
  maxRequestsJitter: number;
  /** MiB of RSS a worker may stay above before it asks to be replaced; 0 no ceiling. */
  maxWorkerMemory: number;
  /** Crashed-worker restarts allowed within restartPeriod before restarts back off. */
  restartIntensity: number;
  /** Seconds over which restartIntensity is counted. */
  restartPeriod: number;
  /** Seconds: the longest backoff wait; crashes after a wait this long stop the master. */
  restartBackoffMax: number;
  workerConnections: number;
  backlog: number;
  logLevel: LogLevel;
  /** PID file path, if any. */
  pid: string | undefined;
  /** The config file read, if any: given with -c, or found as corral.config.* in the cwd. */
  config: string | undefined;
  /** Only check the settings and that the app loads, then exit 0 or 1. */
  checkConfig: boolean;
  /** Only print the resolved settings and where each came from, then exit 0. */
  printConfig: boolean;
  /** `KEY=VALUE` pairs added to the workers' environment. */
  env: string[];
  /** Directory the master changes to before anything else; the app is resolved from it. */
  chdir: string | undefined;
  /** User the workers run as (name or uid); only a master started as root can switch. */
  user: string | undefined;
  /** Group the workers run as (name or gid). */
  group: string | undefined;
  /** File mode mask for files corral and the workers create; undefined keeps the inherited one. */
  umask: number | undefined;
  /** Name in process titles: `corral: master [name]`; the app by default. */
  name: string | undefined;
  /** The Stately inspector's WebSocket relay to stream the actor system to; undefined: off. */
  inspector: string | undefined;
  /** Where the live status page listens; undefined: off. */
  statusBind: string | undefined;
  /** The status page may listen on an address other hosts can reach. */
  statusAllowRemote: boolean;
  /** The status page has controls (add, remove, reload...); read-only otherwise. */
  statusControl: boolean;
  /** Where Prometheus metrics are served; undefined: off. */
  metricsBind: string | undefined;
  /** The statsd listener, `HOST:PORT` or `unix:PATH`; undefined: off. */
  statsdHost: string | undefined;
  /** Put before every statsd metric name. */
  statsdPrefix: string;
  /** The unix socket `corral ctl` talks to; undefined: off. */
  controlSocket: string | undefined;
  /** Seconds a hook that returns a promise may take before corral carries on without it. */
  hookTimeout: number;
  /** Where the error log goes: a file path, or `-` for stderr. */
  errorLogfile: string;
  /** `text`: Gunicorn-style lines; `json`: one JSON object per line. */
  logFormat: 'text' | 'json';
  /** Where the access log goes: a file path, `-` for stdout; undefined: no access log. */
  accessLogfile: string | undefined;
  /** Gunicorn's `%(atom)s` format for access lines. */
  accessLogformat: string;
  /** Longest request line in bytes; 0: no limit of corral's own. */
  limitRequestLine: number;
  /** Most header fields in a request; 0: no limit of corral's own. */
  limitRequestFields: number;
  /** Longest header field (name and value) in bytes; 0: no limit of corral's own. */
  limitRequestFieldSize: number;
  /** Seconds a client gets to send a request's headers. */
  headersTimeout: number;
  /** Seconds a client gets to send a whole request, body included; 0: no limit. */
  requestTimeout: number;
  /** Peers whose X-Forwarded-* headers are trusted: addresses, CIDR ranges, or `*`. */
  forwardedAllowIps: string;
  /** Read a PROXY protocol (v1 or v2) header at the start of each connection. */
  proxyProtocol: boolean;
  /** Peers that may send a PROXY protocol header: addresses, CIDR ranges, or `*`. */
  proxyAllowFrom: string;
  /** TLS certificate chain (PEM); with keyfile, the workers serve HTTPS. */
  certfile: string | undefined;
  http2: boolean;
  /** TLS private key (PEM). */
  keyfile: string | undefined;
  /** CA certificates (PEM) that client certificates are checked against. */
  caCerts: string | undefined;
  /** Client certificates: `none`, `optional` or `required` (Gunicorn's 0, 1, 2). */
  certReqs: 'none' | 'optional' | 'required';
  /** Development: replace the workers when a file of the app changes. */
  reload: boolean;
  /** More files whose change triggers a `--reload`. */
  reloadExtraFile: string[];
}
