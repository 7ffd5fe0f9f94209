/**
 * Every corral setting, once: its name, flags, environment variable, type, default, check and
 * documentation. Command-line parsing, the layering of sources, `--help` and docs/settings.md
 * are all generated from this table (Gunicorn's `config.py` plays the same part), so a new
 * setting is a new row here plus its field in `Settings`.
 *
 * Rows are in the order --help and the docs show them, within their section.
 *
 * @example
 * const workers = settingsTable.find((row) => row.name === 'workers');
 */
import { logLevels } from '../logging/log-levels.ts';
import type { WorkerClassName } from '../protocol/worker-boot.ts';
import { defineSetting, type AnySettingSpec, type SettingName } from './setting-spec.ts';
import {
  appModule,
  bindAddresses,
  certRequirement,
  filePaths,
  envAssignments,
  filePath,
  fileModeMask,
  flag,
  nonNegativeInteger,
  oneOf,
  positiveInteger,
  seconds,
  trustList,
  word,
  workerCount,
} from './setting-validators.ts';

/** The first entry is the default. */
export const workerClassNames = ['async', 'sync'] as const satisfies readonly WorkerClassName[];

export const settingsTable = [
  defineSetting({
    name: 'config',
    section: 'Config file',
    cli: { short: '-c', long: '--config' },
    type: 'path',
    metavar: 'FILE',
    default: undefined,
    validate: filePath,
    summary:
      'the config file: settings and hooks; corral.config.* in the working directory by default',
    description:
      "A file of settings and server hooks: `corral.config.ts`, `.mjs`, `.js` or `.cjs` exporting `defineConfig({ ... })` as its default export, or a `.json` object. Keys are the setting names on this page (`workers`, `workerClass`, `bind`, ...) and the hook names (`whenReady`, `preRequest`, ...); values have the same meaning and checks as on the command line, and may be typed (`workers: 4`, `bind: ['127.0.0.1:8000']`). Without this option, corral reads the first of `corral.config.ts`, `.mjs`, `.js`, `.cjs`, `.json` that exists in the working directory (after `--chdir`). Sources are layered, least authoritative first: built-in defaults, defaults from the environment (`WEB_CONCURRENCY`, `PORT`), the config file, `CORRAL_CMD_ARGS` (options in command-line syntax in one variable), then the command line. Every bad or unknown key is reported at once, with the file and key, and corral exits with code 2. HUP reads the file again. A TypeScript config loads without a build step.",
  }),
  defineSetting({
    name: 'checkConfig',
    section: 'Config file',
    cli: { long: '--check-config' },
    type: 'boolean',
    metavar: '',
    default: false,
    validate: flag,
    summary: 'check the settings and that the app loads, then exit 0, or 1 naming the problem',
    description:
      'Checks the settings from every source and loads the app the way a worker would (its module and export), then exits: 0 when both are fine, 1 (or 2 for a bad setting) with the problem named. Nothing is bound and no worker is started, so it is safe to run next to a live server, say before a reload.',
  }),
  defineSetting({
    name: 'printConfig',
    section: 'Config file',
    cli: { long: '--print-config' },
    type: 'boolean',
    metavar: '',
    default: false,
    validate: flag,
    summary: 'print every resolved setting and where its value came from, then exit',
    description:
      'Prints every setting, one per line, with its resolved value and where that value came from: `default`, `environment`, `config file`, `CORRAL_CMD_ARGS` or `command line`; then the hooks the config file defines. Exits 0 without binding or starting anything.',
  }),
  defineSetting({
    name: 'app',
    section: 'Application',
    cli: 'positional',
    type: 'string',
    metavar: 'APP_MODULE',
    required: true,
    validate: appModule,
    summary: 'the app to serve: a module path with an optional :export (app.js:handler)',
    description:
      'The app to serve: a file path or package specifier with an optional `:export` naming the export to use (`app.js`, `./app.mjs:handler`, `./server.ts:createApp()`). The export may be a Node request listener `(req, res)` (plain `http`, Express, `koa.callback()`), an object with a `fetch(request)` method that returns a `Response` (Hono and other fetch-style apps), or a factory, written with `()`, that returns either. TypeScript apps load without a build step.',
  }),
  defineSetting({
    name: 'bind',
    section: 'Server socket',
    cli: { short: '-b', long: '--bind' },
    env: { name: 'PORT', derive: (port) => [`0.0.0.0:${port}`], gives: '0.0.0.0:$PORT' },
    type: 'address list',
    multiple: true,
    metavar: 'ADDRESS',
    default: ['127.0.0.1:8000'],
    validate: bindAddresses,
    summary: 'an address to listen on: HOST:PORT, [IPV6]:PORT, unix:PATH or fd://N; repeatable',
    description:
      'An address to listen on; repeat the option to listen on several. `HOST:PORT` or `HOST` (port 8000) for TCP; `:PORT` for every IPv4 interface, as Gunicorn reads an empty host; `[IPV6]:PORT`, `[IPV6]` or a bare IPv6 literal such as `::1` for IPv6; `unix:PATH` or `unix://PATH` for a unix socket. A leading `tcp://` is accepted and ignored. A host name is resolved to its IPv4 address when the master starts, as in Gunicorn: ask for IPv6 with a literal. Port 0 lets the system pick a free port, which the `Listening at:` log line shows. The master only binds these sockets; the workers listen on them and accept connections themselves, so the master is never in the data path. A unix socket file left behind by a dead server is removed, while one that a live server answers on, or a path that is not a socket, is an error. `fd://N` serves on a socket corral was given as file descriptor N by the process that started it (bound, and listening or not); it must be an open TCP or unix stream socket, or corral exits with code 1 naming it, and corral never removes its socket file. Under systemd socket activation (`LISTEN_FDS` and `LISTEN_PID` naming the master), corral serves on the sockets systemd passed and does not use this setting, as Gunicorn does; see [socket-activation.md](socket-activation.md). The default is `127.0.0.1:8000`, or `0.0.0.0:$PORT` when the `PORT` environment variable is set (as on Heroku-style platforms); an empty `PORT` counts as unset.',
  }),
  defineSetting({
    name: 'backlog',
    section: 'Server socket',
    cli: { long: '--backlog' },
    type: 'integer',
    metavar: 'INT',
    default: 2048,
    validate: positiveInteger,
    summary: 'connections the kernel queues per socket before a worker accepts them',
    description:
      'The most connections the kernel queues on each socket before a worker accepts them: the `listen(2)` backlog, which the workers pass when they start listening on the inherited sockets. Linux silently caps it at `net.core.somaxconn` (4096 on current kernels).',
  }),
  defineSetting({
    name: 'workers',
    section: 'Worker processes',
    cli: { short: '-w', long: '--workers' },
    env: { name: 'WEB_CONCURRENCY', gives: '$WEB_CONCURRENCY' },
    type: 'integer',
    metavar: 'INT',
    default: 1,
    validate: workerCount,
    summary: 'how many worker processes serve requests, or auto (from the cores available)',
    description:
      'How many worker processes serve requests. Each is a separate Node process with its own event loop, so a worker uses at most about one core: for the async class, one or two workers per core is a good start; the sync class serves one request per worker and needs more. The default is the `WEB_CONCURRENCY` environment variable when it is set (as in Gunicorn, and as platforms such as Heroku set it), otherwise 1. `auto` derives the count from the cores this process may use, counting CPU affinity and a cgroup CPU quota (the `--cpus` of a container, a Kubernetes CPU limit, rounded up): one worker per core for `async`, and `2 × cores + 1` for `sync`, as the Gunicorn design suggests, since a sync worker waits on its one request. `auto` is a starting point: under a realistic load, add workers with TTIN and remove them with TTOU while watching latency and CPU, then write the count that served best into the config file.',
  }),
  defineSetting({
    name: 'workerClass',
    section: 'Worker processes',
    cli: { short: '-k', long: '--worker-class' },
    type: 'choice',
    metavar: 'CLASS',
    default: workerClassNames[0],
    validate: oneOf(workerClassNames),
    summary: `how a worker serves connections: ${workerClassNames.join(' or ')}`,
    description:
      "How a worker serves connections. `async`, the default, serves many connections at once on one event loop, up to `--worker-connections`, and keeps idle connections open for `--keep-alive` seconds. `sync` serves one request at a time per worker and closes the connection after each response: choose it for CPU-bound or non-reentrant handlers behind a buffering proxy. **corral's default differs from Gunicorn's**, which is `sync`: a WSGI app holds its thread for the whole request, so Gunicorn's simplest safe model is one request per process. A Node app is written the other way round: its I/O never blocks the event loop, and Node's own `http` server serves many connections per process. `async` is that model, so it is the default; `sync` is the opt-in for handlers that do block.",
  }),
  defineSetting({
    name: 'workerConnections',
    section: 'Worker processes',
    cli: { long: '--worker-connections' },
    type: 'integer',
    metavar: 'INT',
    default: 1000,
    validate: positiveInteger,
    summary: 'the most connections one async worker holds open at once',
    description:
      'The most connections one async worker holds open at once; further connections wait in the backlog until one closes. A sync worker holds idle connections too (see docs/slow-clients.md) and uses the same limit.',
  }),
  defineSetting({
    name: 'timeout',
    section: 'Worker processes',
    cli: { short: '-t', long: '--timeout' },
    type: 'seconds',
    metavar: 'SECONDS',
    default: 30,
    validate: seconds,
    summary: 'abort a worker whose event loop is silent this long; 0 disables',
    description:
      "Seconds a worker may go without a heartbeat before the master aborts it (SIGABRT, then SIGKILL) and starts another. The heartbeat comes from a timer on the worker's main event loop, so this catches a loop that is blocked (a CPU-bound handler, an infinite loop), not a request that is slowly waiting on I/O. With the sync class a blocked loop is one request, so there it is also a hard limit on one request. `0` disables the check.",
  }),
  defineSetting({
    name: 'gracefulTimeout',
    section: 'Worker processes',
    cli: { long: '--graceful-timeout' },
    type: 'seconds',
    metavar: 'SECONDS',
    default: 25,
    validate: seconds,
    summary: 'how long a stopping worker may finish its requests before it is killed',
    description:
      "Seconds a worker gets, once it is asked to stop (a graceful shutdown, a reload, scaling down), to finish the requests in flight before it is killed. It stops accepting new connections at once. The default, 25 (Gunicorn's is 30), lets a graceful stop end within Kubernetes' default `terminationGracePeriodSeconds` of 30 with a few seconds to spare; keep this plus any `preStop` delay below the pod's grace period (see docs/systemd.md).",
  }),
  defineSetting({
    name: 'bootTimeout',
    section: 'Worker processes',
    cli: { long: '--boot-timeout' },
    type: 'seconds',
    metavar: 'SECONDS',
    default: 30,
    validate: seconds,
    summary: 'how long a new worker may take to load the app and become ready; 0 disables',
    description:
      'Seconds a new worker gets to load the app and report that it is ready; one that has not is killed and counts as a failed boot. A worker that hangs while loading (say, a top-level `await` on a database that never answers) is caught here instead of holding its slot forever. Gunicorn has no such setting; corral keeps it apart from `timeout` because loading an app (compiling TypeScript, opening pools) may rightly take longer than a loop may stall. `0` disables the check, as for `timeout`.',
  }),
  defineSetting({
    name: 'keepAlive',
    section: 'Worker processes',
    cli: { long: '--keep-alive' },
    type: 'seconds',
    metavar: 'SECONDS',
    default: 2,
    validate: seconds,
    summary: 'how long an idle keep-alive connection waits for its next request',
    description:
      "Seconds an idle keep-alive connection stays open waiting for its next request (async class). `0` turns keep-alive off, so every response closes its connection; the sync class never keeps connections alive. A few seconds suits clients that connect directly. Behind a load balancer, set it above the balancer's idle timeout, so that corral is never the side that closes a connection the balancer is about to reuse.",
  }),
  defineSetting({
    name: 'maxRequests',
    section: 'Worker processes',
    cli: { long: '--max-requests' },
    type: 'integer',
    metavar: 'INT',
    default: 0,
    validate: nonNegativeInteger,
    summary: 'replace a worker after it has served this many requests (plus jitter); 0 never',
    description:
      'The number of requests a worker serves before it asks to be replaced: a simple way to limit the damage of a slow memory leak. A request counts when it starts, as in Gunicorn, and each worker adds its own jitter (`--max-requests-jitter`) to the limit. **Capacity never dips, unlike in Gunicorn**, where the worker exits at once and its replacement is forked afterwards: corral starts the replacement first, and the old worker, which keeps serving meanwhile, is sent SIGTERM only once the replacement is ready; it then stops accepting and finishes its in-flight requests within `--graceful-timeout`. `0`, the default, never replaces a worker for this.',
  }),
  defineSetting({
    name: 'maxRequestsJitter',
    section: 'Worker processes',
    cli: { long: '--max-requests-jitter' },
    type: 'integer',
    metavar: 'INT',
    default: 0,
    validate: nonNegativeInteger,
    summary: 'each worker adds a random 0..INT to --max-requests, so workers recycle apart',
    description:
      'The most requests each worker adds to `--max-requests`: every worker draws its own random number from 0 to this value, once, when it starts, so that workers started together do not all reach the limit, and get replaced, at the same moment. It has no effect when `--max-requests` is 0.',
  }),
  defineSetting({
    name: 'maxWorkerMemory',
    section: 'Worker processes',
    cli: { long: '--max-worker-memory' },
    type: 'integer',
    metavar: 'MB',
    default: 0,
    validate: nonNegativeInteger,
    summary: 'replace a worker whose memory (RSS) stays above this many MiB; 0 no ceiling',
    description:
      "A ceiling on each worker's memory, in MiB (1 MiB = 1,048,576 bytes) of resident set size (RSS), the memory the process holds in RAM. The worker checks its RSS with every heartbeat (at least once a second); when it has been above the ceiling for 3 checks in a row, so that one brief peak is forgiven, it asks to be replaced the same way as for `--max-requests`: a replacement starts first, and the old worker stops gracefully once the replacement is ready. Gunicorn has no such setting. `0`, the default, sets no ceiling.",
  }),
  defineSetting({
    name: 'restartIntensity',
    section: 'Restart policy',
    cli: { long: '--restart-intensity' },
    type: 'integer',
    metavar: 'INT',
    default: 5,
    validate: nonNegativeInteger,
    summary: 'crashed workers replaced at once within --restart-period before restarts back off',
    description:
      "How many crashed workers the master replaces at once within `--restart-period` seconds (OTP's restart intensity). A worker crashes when it exits without being asked to: a non-zero exit, a signal corral did not send. A one-off crash is replaced at once. Beyond this many within the period, each further restart waits first: 1 s, then twice as long each time (2 s, 4 s, ...) up to `--restart-backoff-max`, with random jitter so that many servers do not retry in step. When workers still crash after a wait of `--restart-backoff-max`, the master gives up and exits with code 1, naming the crash loop, so that the supervisor above it (systemd, Kubernetes) sees the failure instead of a server that restarts forever. Workers that corral itself stops or kills (a timeout, a scale-down, max-requests) do not count.",
  }),
  defineSetting({
    name: 'restartPeriod',
    section: 'Restart policy',
    cli: { long: '--restart-period' },
    type: 'seconds',
    metavar: 'SECONDS',
    default: 10,
    validate: seconds,
    summary: 'the window, in seconds, over which --restart-intensity counts crashes',
    description:
      "The window over which `--restart-intensity` counts restarts of crashed workers (OTP's restart period): at most `--restart-intensity` restarts within any `--restart-period` seconds happen at once; the ones beyond that back off.",
  }),
  defineSetting({
    name: 'restartBackoffMax',
    section: 'Restart policy',
    cli: { long: '--restart-backoff-max' },
    type: 'seconds',
    metavar: 'SECONDS',
    default: 30,
    validate: seconds,
    summary:
      'the longest wait before restarting a crashing worker; crashes after it stop the master',
    description:
      'The longest a restart waits once crashes exceed `--restart-intensity` within `--restart-period`. Waits start at 1 s and double with each further crash (with random jitter), up to this many seconds. When workers keep crashing after a wait this long, the master exits with code 1 and a message naming the crash loop.',
  }),
  defineSetting({
    name: 'logLevel',
    section: 'Logging',
    cli: { long: '--log-level' },
    type: 'choice',
    metavar: 'LEVEL',
    default: 'info',
    validate: oneOf(logLevels),
    summary: `the least severe messages logged: ${logLevels.join(', ')}`,
    description:
      "The least severe messages written to the error log (stderr, or `--error-logfile`): `debug`, `info`, `warning`, `error` or `critical`, in any case. Lines have Gunicorn's shape, `[2026-11-26 04:15:43 +0000] [1234] [INFO] Listening at: http://127.0.0.1:8000 (1234)`, except that `warning` and `critical` print as `WARN` and `FATAL`.",
  }),
  defineSetting({
    name: 'errorLogfile',
    section: 'Logging',
    cli: { long: '--error-logfile' },
    type: 'path',
    metavar: 'FILE',
    default: '-',
    validate: filePath,
    summary: "where the error log goes: a file, or '-' for stderr",
    description:
      "Where the error log goes: the master's and the workers' lifecycle lines, warnings and errors. `-`, the default, is stderr. A file is opened for appending by every process; USR1 reopens it (for logrotate).",
  }),
  defineSetting({
    name: 'logFormat',
    section: 'Logging',
    cli: { long: '--log-format' },
    type: 'choice',
    metavar: 'FORMAT',
    default: 'text',
    validate: oneOf(['text', 'json'] as const),
    summary: 'the error log as Gunicorn-style text lines, or JSON lines',
    description:
      "`text`, the default, writes Gunicorn's line shape. `json` writes one JSON object per line, with the time, level, process id, worker id and the lifecycle event, for log collectors; the fields are listed in [logging.md](logging.md).",
  }),
  defineSetting({
    name: 'accessLogfile',
    section: 'Logging',
    cli: { long: '--access-logfile' },
    type: 'path',
    metavar: 'FILE',
    default: undefined,
    validate: filePath,
    summary: "write an access log line per request to FILE, or '-' for stdout",
    description:
      'Where the access log goes: a line per request, written by the worker that served it. `-` is stdout. Off by default, as in Gunicorn. USR1 reopens the file (for logrotate).',
  }),
  defineSetting({
    name: 'accessLogformat',
    section: 'Logging',
    cli: { long: '--access-logformat' },
    type: 'string',
    metavar: 'FORMAT',
    default: '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"',
    validate: word,
    summary: "the access log line, in Gunicorn's %(atom)s syntax",
    description:
      "The access log line, in Gunicorn's `%(atom)s` syntax, so a Gunicorn format string works unchanged. The default is Apache's combined format, as in Gunicorn. The atoms are listed in [logging.md](logging.md).",
  }),
  defineSetting({
    name: 'limitRequestLine',
    section: 'Requests',
    cli: { long: '--limit-request-line' },
    type: 'integer',
    metavar: 'BYTES',
    default: 4094,
    validate: nonNegativeInteger,
    summary: "the longest request line in bytes; longer gets 414; 0 leaves only Node's limit",
    description:
      "The longest request line (`GET /path?query HTTP/1.1`) corral accepts, in bytes; a longer one is answered with an error and the connection closed, before the app sees it. Gunicorn's default, 4094. `0` leaves only Node's own limit on the whole header block.",
  }),
  defineSetting({
    name: 'limitRequestFields',
    section: 'Requests',
    cli: { long: '--limit-request-fields' },
    type: 'integer',
    metavar: 'INT',
    default: 100,
    validate: nonNegativeInteger,
    summary: 'the most header fields in a request; more gets 431',
    description:
      "The most header fields a request may have; a request with more is answered with an error and the connection closed, before the app sees it. Gunicorn's default, 100. `0` removes corral's limit.",
  }),
  defineSetting({
    name: 'limitRequestFieldSize',
    section: 'Requests',
    cli: { long: '--limit-request-field-size' },
    type: 'integer',
    metavar: 'BYTES',
    default: 8190,
    validate: nonNegativeInteger,
    summary: 'the longest header field (name and value) in bytes; longer gets 431',
    description:
      "The longest header field a request may have, name and value together, in bytes; a longer one is answered with an error and the connection closed, before the app sees it. Gunicorn's default, 8190. `0` leaves only Node's own limit on the whole header block.",
  }),
  defineSetting({
    name: 'headersTimeout',
    section: 'Requests',
    cli: { long: '--headers-timeout' },
    type: 'seconds',
    metavar: 'SECONDS',
    default: 10,
    validate: seconds,
    summary: "seconds a client gets to send a request's headers",
    description:
      "Seconds a client gets, from the moment it connects or starts its next request, to send a request's headers; a client that is slower is answered with 408 and disconnected. This is what keeps a slowloris client (many connections, each trickling its headers) from holding a worker's connections, and an idle connection from holding a sync worker's. Checked every second; `0` turns it off; a value above a non-zero `--request-timeout` is cut to it. See docs/slow-clients.md.",
  }),
  defineSetting({
    name: 'requestTimeout',
    section: 'Requests',
    cli: { long: '--request-timeout' },
    type: 'seconds',
    metavar: 'SECONDS',
    default: 300,
    validate: seconds,
    summary: 'seconds a client gets to send a whole request, body included; 0 no limit',
    description:
      "Seconds a client gets to send a whole request, headers and body; a slower one is answered with 408 and disconnected. Node's default, 300. `0` removes the limit.",
  }),
  defineSetting({
    name: 'forwardedAllowIps',
    section: 'Proxies',
    cli: { long: '--forwarded-allow-ips' },
    env: { name: 'FORWARDED_ALLOW_IPS', gives: '$FORWARDED_ALLOW_IPS' },
    type: 'string',
    metavar: 'ADDRESSES',
    default: '127.0.0.1,::1',
    validate: trustList,
    summary: 'proxies trusted to set X-Forwarded-For and -Proto: addresses, CIDRs or *',
    description:
      'The peers trusted to say who the client is and which scheme it used, in `X-Forwarded-For`, `X-Forwarded-Proto` and the related headers: a comma-separated list of addresses and CIDR ranges, or `*` for any. From any other peer those headers (`Forwarded`, every `X-Forwarded-*`, `X-Real-IP`, `Front-End-Https`) are removed before the app sees the request, so a client cannot spoof its address or scheme. Connections on a unix socket are always trusted, as in Gunicorn. A bad entry is a usage error. See docs/proxies-and-tls.md.',
  }),
  defineSetting({
    name: 'proxyProtocol',
    section: 'Proxies',
    cli: { long: '--proxy-protocol' },
    type: 'boolean',
    metavar: '',
    default: false,
    validate: flag,
    summary: 'read a PROXY protocol v1 or v2 header on each connection',
    description:
      'Read a PROXY protocol header (version 1 or 2, as HAProxy and cloud load balancers send it) at the start of each connection, and give the app the client address it names (`req.socket.remoteAddress` and `remotePort`). Only peers in `--proxy-allow-from` may connect, and they must send one: other peers, a missing or malformed header, or none within `--headers-timeout` close the connection unanswered. See docs/proxies-and-tls.md.',
  }),
  defineSetting({
    name: 'proxyAllowFrom',
    section: 'Proxies',
    cli: { long: '--proxy-allow-from' },
    type: 'string',
    metavar: 'ADDRESSES',
    default: '127.0.0.1,::1',
    validate: trustList,
    summary: 'peers allowed to send a PROXY protocol header: addresses, CIDRs or *',
    description:
      'The peers allowed to send a PROXY protocol header: a comma-separated list of addresses and CIDR ranges, or `*` for any. With `--proxy-protocol`, a connection from any other peer is closed at once. A bad entry is a usage error.',
  }),
  defineSetting({
    name: 'certfile',
    section: 'TLS',
    cli: { long: '--certfile' },
    type: 'path',
    metavar: 'FILE',
    default: undefined,
    validate: filePath,
    summary: 'the TLS certificate chain (PEM); with --keyfile, serve HTTPS',
    description:
      'A PEM file with the server certificate and its chain. With `--keyfile`, the workers serve HTTPS on every socket. The master reads both files at start, so a missing or unreadable file is a start-up error that names it. The workers read them again after switching to `--user`, so that user must be able to read the key.',
  }),
  defineSetting({
    name: 'keyfile',
    section: 'TLS',
    cli: { long: '--keyfile' },
    type: 'path',
    metavar: 'FILE',
    default: undefined,
    validate: filePath,
    summary: "the TLS certificate's private key (PEM)",
    description: "A PEM file with the certificate's private key.",
  }),
  defineSetting({
    name: 'caCerts',
    section: 'TLS',
    cli: { long: '--ca-certs' },
    type: 'path',
    metavar: 'FILE',
    default: undefined,
    validate: filePath,
    summary: 'CA certificates (PEM) to check client certificates against',
    description:
      'A PEM file of CA certificates that client certificates are checked against, with `--cert-reqs optional` or `required`.',
  }),
  defineSetting({
    name: 'certReqs',
    section: 'TLS',
    cli: { long: '--cert-reqs' },
    type: 'choice',
    metavar: 'MODE',
    default: 'none',
    validate: certRequirement,
    summary: 'client certificates: none, optional or required (or 0, 1, 2)',
    description:
      "Whether clients must present a certificate: `none` (Gunicorn's 0, the default), `optional` (1: checked against `--ca-certs` when given) or `required` (2: a client without a valid one is refused).",
  }),
  defineSetting({
    name: 'pid',
    section: 'Server mechanics',
    cli: { short: '-p', long: '--pid' },
    type: 'path',
    metavar: 'FILE',
    default: undefined,
    validate: filePath,
    summary: "a file to write the master's process id to",
    description:
      "A file to write the master's process id to, for init scripts and `kill $(cat FILE)`. corral refuses to start when the file names another live process, replaces a file that is stale or unreadable, writes it atomically (a temporary file renamed into place, mode 0644), and on exit removes it only if it still holds its own process id. None by default.",
  }),
  defineSetting({
    name: 'chdir',
    section: 'Server mechanics',
    cli: { long: '--chdir' },
    type: 'path',
    metavar: 'DIR',
    default: undefined,
    validate: filePath,
    summary: 'change to this directory before loading the config file and the app',
    description:
      'A directory the master changes to before it looks for a config file, binds, writes the PID file or loads the app; relative paths in every setting are read from it, and the workers start in it. The default is the directory corral was started in. Given on the command line or in `CORRAL_CMD_ARGS`, it also says where to look for `corral.config.*`; given in a config file, it applies to everything after the file has been found.',
  }),
  defineSetting({
    name: 'env',
    section: 'Server mechanics',
    cli: { short: '-e', long: '--env' },
    type: 'assignment list',
    multiple: true,
    metavar: 'KEY=VALUE',
    default: [],
    validate: envAssignments,
    summary: "set an environment variable in the workers' environment; repeatable",
    description:
      "An environment variable to set for the app: `-e NODE_ENV=production -e DEBUG=`. Each is added to the environment the workers start with, over the master's own; the value may be empty and may contain `=`. HUP applies changed values to the new workers.",
  }),
  defineSetting({
    name: 'user',
    section: 'Server mechanics',
    cli: { short: '-u', long: '--user' },
    type: 'string',
    metavar: 'USER',
    default: undefined,
    validate: word,
    summary: 'run the workers as this user (name or uid); the master must be root',
    description:
      "A user name or numeric id to run the workers as. The master keeps its own identity (it binds privileged ports and writes the PID file), and each worker switches to this user's uid and, unless `--group` says otherwise, the user's primary group and supplementary groups, before the app loads. A numeric id with no account is accepted (with no supplementary groups). Switching needs a master started as root; otherwise a user other than the current one is an error at start. An unknown user is an error naming it, exit 1, before anything is bound. The app, corral and its dependencies must be readable by this user.",
  }),
  defineSetting({
    name: 'group',
    section: 'Server mechanics',
    cli: { short: '-g', long: '--group' },
    type: 'string',
    metavar: 'GROUP',
    default: undefined,
    validate: word,
    summary: 'run the workers as this group (name or gid)',
    description:
      "A group name or numeric id to run the workers as; by default the primary group of `--user`, or the master's own group. Without `--user`, it is the workers' only group. An unknown group is an error naming it, exit 1, before anything is bound.",
  }),
  defineSetting({
    name: 'umask',
    section: 'Server mechanics',
    cli: { short: '-m', long: '--umask' },
    type: 'file mode',
    metavar: 'MASK',
    default: undefined,
    validate: fileModeMask,
    summary: 'file mode mask for the master and workers, such as 022 or 0o027',
    description:
      'A file mode creation mask, set in the master as it starts, before it binds, so it applies to the unix sockets it creates and is inherited by the workers. The PID file is always 0644, as in Gunicorn, since tools read it. Written in octal with a leading `0` or `0o` (`022`, `0o027`), in hex with `0x`, or in decimal. By default the mask corral was started with is kept (Gunicorn sets 0, which leaves unix sockets writable by everyone; corral does not change a mask nobody asked it to).',
  }),
  defineSetting({
    name: 'name',
    section: 'Server mechanics',
    cli: { short: '-n', long: '--name' },
    type: 'string',
    metavar: 'NAME',
    default: undefined,
    validate: word,
    summary: "a name for process titles: 'corral: master [NAME]'; the app by default",
    description:
      "The name in the processes' titles, as `ps` and `top` show them: `corral: master [NAME]` and `corral: worker [NAME]`. The default is APP_MODULE. Linux shows at most as many characters as the command line that started the process had, so a long title is cut at the end; `top` and `ps -o comm` show its first 15 characters (`corral: master`). Only the CLI sets the master's title: a program that embeds corral keeps its own.",
  }),
  defineSetting({
    name: 'hookTimeout',
    section: 'Server mechanics',
    cli: { long: '--hook-timeout' },
    type: 'seconds',
    metavar: 'SECONDS',
    default: 30,
    validate: seconds,
    summary: 'how long corral waits for a hook that returns a promise',
    description:
      'The longest corral waits for a server hook that returns a promise (an async hook). A hook still running after this long is logged as overrunning and corral carries on without it, as it does when a hook throws: a hook never takes the server down. `0` waits without a limit.',
  }),
  defineSetting({
    name: 'reload',
    section: 'Development',
    cli: { long: '--reload' },
    type: 'boolean',
    metavar: '',
    default: false,
    validate: flag,
    summary: "replace the workers when one of the app's files changes (development)",
    description:
      "Watch the app's source files and, when one changes, replace the workers the way HUP does: new workers start, and the old ones retire only when a new one is ready. Watched: the `.js`, `.mjs`, `.cjs`, `.ts`, `.mts`, `.cts`, `.jsx`, `.tsx` and `.json` files under the app module's directory (not `node_modules` or dot-directories), the config file, and each `--reload-extra-file`. An edit that does not load (a syntax error) is logged, and the old workers keep serving until the file is fixed. For development: it costs a watch per directory and a full worker restart per edit (see docs/development.md).",
  }),
  defineSetting({
    name: 'reloadExtraFile',
    section: 'Development',
    cli: { long: '--reload-extra-file' },
    type: 'path',
    multiple: true,
    metavar: 'FILE',
    default: [],
    validate: filePaths,
    summary: 'another file whose change triggers --reload; repeatable',
    description:
      'A file that `--reload` also watches, wherever it is and whatever its name, such as a template or a config the app reads at start; repeat the option for more. A relative path is read from the working directory (after `--chdir`). What is watched is fixed when the master starts.',
  }),
] as const satisfies readonly AnySettingSpec[];

/** Compile-time check that every field of `Settings` has a row. */
type MissingRows = Exclude<SettingName, (typeof settingsTable)[number]['name']>;
const _everySettingHasARow: [MissingRows] extends [never] ? true : MissingRows = true;

/** The table as a list of rows of any setting, for code that walks it. */
export const settingRows: readonly AnySettingSpec[] = settingsTable;
