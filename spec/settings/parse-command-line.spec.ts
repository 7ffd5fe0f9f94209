import test from 'ava';
import { readFileSync } from 'node:fs';
import { UsageError } from '../../errors.ts';
import { ExitCode } from '../../protocol/exit-codes.ts';
import {
  usageHint,
  parseCommandLine,
  usageLine,
  type CommandLine,
} from '../../settings/parse-command-line.ts';
import type { Settings } from '../../settings/settings.ts';
import { settingRows } from '../../settings/settings-table.ts';

function run(argv: string[], env: NodeJS.ProcessEnv = {}): Extract<CommandLine, { kind: 'run' }> {
  const parsed = parseCommandLine(argv, env);
  if (parsed.kind !== 'run') throw new Error(`expected a run, got ${parsed.kind}`);
  return parsed;
}

function settings(argv: string[], env: NodeJS.ProcessEnv = {}): Settings {
  return run(argv, env).settings;
}

function usageError(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  const error = (() => {
    try {
      parseCommandLine(argv, env);
    } catch (caught) {
      return caught;
    }
    throw new Error(`expected a usage error for ${JSON.stringify(argv)}`);
  })();
  if (!(error instanceof UsageError)) throw error;
  return error.message;
}

test('defaults: only APP_MODULE given, empty environment', (t) => {
  t.deepEqual(settings(['app.js']), {
    app: 'app.js',
    bind: ['127.0.0.1:8000'],
    backlog: 2048,
    workers: 1,
    standby: 0,
    workerClass: 'async',
    workerConnections: 1000,
    timeout: 30,
    gracefulTimeout: 25,
    bootTimeout: 30,
    keepAlive: 2,
    maxRequests: 0,
    maxRequestsJitter: 0,
    maxWorkerMemory: 0,
    restartIntensity: 5,
    restartPeriod: 10,
    restartBackoffMax: 30,
    logLevel: 'info',
    pid: undefined,
    config: undefined,
    checkConfig: false,
    printConfig: false,
    env: [],
    chdir: undefined,
    user: undefined,
    group: undefined,
    umask: undefined,
    name: undefined,
    inspector: undefined,
    statusBind: undefined,
    statusAllowRemote: false,
    statusControl: false,
    metricsBind: undefined,
    statsdHost: undefined,
    statsdPrefix: '',
    controlSocket: undefined,
    hookTimeout: 30,
    http2: false,
    errorLogfile: '-',
    logFormat: 'text',
    accessLogfile: undefined,
    accessLogformat: '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"',
    limitRequestLine: 4094,
    limitRequestFields: 100,
    limitRequestFieldSize: 8190,
    headersTimeout: 10,
    requestTimeout: 300,
    forwardedAllowIps: '127.0.0.1,::1',
    proxyProtocol: false,
    proxyAllowFrom: '127.0.0.1,::1',
    certfile: undefined,
    keyfile: undefined,
    caCerts: undefined,
    certReqs: 'none',
    reload: false,
    reloadExtraFile: [],
  });
});

test('every source is default when nothing is given but APP_MODULE', (t) => {
  const { sources } = run(['app.js']);
  for (const row of settingRows) {
    t.is(sources[row.name], row.name === 'app' ? 'command-line' : 'default', row.name);
  }
});

for (const argv of [['-w', '4'], ['-w4'], ['-w=4'], ['--workers', '4'], ['--workers=4']]) {
  test(`option form ${argv.join(' ')}`, (t) => {
    t.is(settings([...argv, 'app.js']).workers, 4);
    t.is(settings(['app.js', ...argv]).workers, 4);
  });
}

const everyFlag: [string[], Partial<Settings>][] = [
  [['-b', '0.0.0.0:9000'], { bind: ['0.0.0.0:9000'] }],
  [['--bind', 'unix:/tmp/a.sock'], { bind: ['unix:/tmp/a.sock'] }],
  [['--backlog', '64'], { backlog: 64 }],
  [['-w', '3'], { workers: 3 }],
  [['--workers', '7'], { workers: 7 }],
  [['-k', 'sync'], { workerClass: 'sync' }],
  [['--worker-class', 'SYNC'], { workerClass: 'sync' }],
  [['--standby', '2'], { standby: 2 }],
  [['--worker-connections', '10'], { workerConnections: 10 }],
  [['-t', '0'], { timeout: 0 }],
  [['--timeout', '2.5'], { timeout: 2.5 }],
  [['--graceful-timeout', '.5'], { gracefulTimeout: 0.5 }],
  [['--boot-timeout', '120'], { bootTimeout: 120 }],
  [['--keep-alive', '0'], { keepAlive: 0 }],
  [['--max-requests', '1000'], { maxRequests: 1000 }],
  [['--max-requests-jitter', '50'], { maxRequestsJitter: 50 }],
  [['--max-worker-memory', '512'], { maxWorkerMemory: 512 }],
  [['--restart-intensity', '0'], { restartIntensity: 0 }],
  [['--restart-period', '2.5'], { restartPeriod: 2.5 }],
  [['--restart-backoff-max', '60'], { restartBackoffMax: 60 }],
  [['--log-level', 'debug'], { logLevel: 'debug' }],
  [['--log-level', 'Critical'], { logLevel: 'critical' }],
  [['-p', '/tmp/corral.pid'], { pid: '/tmp/corral.pid' }],
  [['--pid', 'corral.pid'], { pid: 'corral.pid' }],
  [['-w', 'auto'], { workers: 'auto' }],
  [['-c', 'conf.mjs'], { config: 'conf.mjs' }],
  [['--config', 'corral.config.ts'], { config: 'corral.config.ts' }],
  [['--check-config'], { checkConfig: true }],
  [['--print-config'], { printConfig: true }],
  [['-e', 'A=1', '--env', 'B=x=y', '-eC='], { env: ['A=1', 'B=x=y', 'C='] }],
  [['--chdir', '/srv/app'], { chdir: '/srv/app' }],
  [['-u', 'www-data', '--group', '33'], { user: 'www-data', group: '33' }],
  [['--user', '1000', '-g', 'nogroup'], { user: '1000', group: 'nogroup' }],
  [['-m', '022'], { umask: 0o22 }],
  [['--umask', '0o027'], { umask: 0o27 }],
  [['-m', '0x12'], { umask: 0o22 }],
  [['-n', 'shop'], { name: 'shop' }],
  [['--name', 'shop api'], { name: 'shop api' }],
  [['--hook-timeout', '5'], { hookTimeout: 5 }],
  [['--error-logfile', '/var/log/corral.log'], { errorLogfile: '/var/log/corral.log' }],
  [['--log-format', 'JSON'], { logFormat: 'json' }],
  [['--access-logfile', '-'], { accessLogfile: '-' }],
  [['--access-logformat', '%(h)s %(r)s'], { accessLogformat: '%(h)s %(r)s' }],
  [['--limit-request-line', '0'], { limitRequestLine: 0 }],
  [['--limit-request-fields', '50'], { limitRequestFields: 50 }],
  [['--limit-request-field-size', '1024'], { limitRequestFieldSize: 1024 }],
  [['--headers-timeout', '5'], { headersTimeout: 5 }],
  [['--request-timeout', '0'], { requestTimeout: 0 }],
  [['--forwarded-allow-ips', '*'], { forwardedAllowIps: '*' }],
  [['--proxy-protocol'], { proxyProtocol: true }],
  [['--http2'], { http2: true }],
  [['--proxy-allow-from', '10.0.0.0/8'], { proxyAllowFrom: '10.0.0.0/8' }],
  [['--certfile', 'c.pem', '--keyfile', 'k.pem'], { certfile: 'c.pem', keyfile: 'k.pem' }],
  [['--ca-certs', 'ca.pem'], { caCerts: 'ca.pem' }],
  [['--cert-reqs', '2'], { certReqs: 'required' }],
  [['--cert-reqs', 'optional'], { certReqs: 'optional' }],
  [['--inspector', 'ws://127.0.0.1:8080'], { inspector: 'ws://127.0.0.1:8080' }],
  [['--status-bind', '127.0.0.1:9000'], { statusBind: '127.0.0.1:9000' }],
  [['--status-allow-remote'], { statusAllowRemote: true }],
  [['--status-control'], { statusControl: true }],
  [['--metrics-bind', 'unix:/tmp/m.sock'], { metricsBind: 'unix:/tmp/m.sock' }],
  [['--statsd-host', 'localhost:8125'], { statsdHost: 'localhost:8125' }],
  [['--statsd-prefix', 'myapp'], { statsdPrefix: 'myapp' }],
  [['--control-socket', '/run/corral.ctl'], { controlSocket: '/run/corral.ctl' }],
  [['--reload'], { reload: true }],
  [
    ['--reload-extra-file', 'a.html', '--reload-extra-file', 'b.json'],
    { reloadExtraFile: ['a.html', 'b.json'] },
  ],
];

for (const [argv, expected] of everyFlag) {
  test(`${argv.join(' ')} sets ${Object.keys(expected).join()}`, (t) => {
    const { settings: parsed, sources } = run([...argv, 'app.js']);
    t.like(parsed, expected);
    for (const name of Object.keys(expected)) t.is(sources[name as keyof Settings], 'command-line');
  });
}

test('every option in the table is covered above', (t) => {
  const covered = new Set(
    everyFlag.flatMap(([argv]) => argv.filter((arg) => arg.startsWith('--'))),
  );
  for (const row of settingRows) {
    if (row.cli === undefined || row.cli === 'positional') continue;
    t.true(covered.has(row.cli.long), row.cli.long);
  }
});

test('-b is repeatable and keeps the order given', (t) => {
  const argv = ['-b', '127.0.0.1:1', '--bind', '[::1]:2', '-bunix:/tmp/c.sock', 'app.js'];
  t.deepEqual(settings(argv).bind, ['127.0.0.1:1', '[::1]:2', 'unix:/tmp/c.sock']);
});

test('the last value of a non-repeatable option wins', (t) => {
  t.is(settings(['-w', '2', '--workers=5', 'app.js']).workers, 5);
});

test('-- ends the options', (t) => {
  t.is(settings(['-w', '2', '--', '-odd.js']).app, '-odd.js');
  t.is(usageError(['--', 'a.js', '-w']), "unexpected argument '-w' after APP_MODULE 'a.js'");
});

test('a lone - is a positional argument', (t) => {
  t.is(settings(['-']).app, '-');
});

test('an option value may start with a dash', (t) => {
  t.is(settings(['-p', '-odd.pid', 'app.js']).pid, '-odd.pid');
  t.is(
    usageError(['-w', '-1', 'app.js']),
    "option '-w, --workers' expects a positive integer or auto, got '-1'",
  );
});

test('--standby takes a count of 0 or more, and nothing else', (t) => {
  t.is(settings(['--standby', '0', 'app.js']).standby, 0);
  t.is(
    usageError(['--standby', '-1', 'app.js']),
    "option '--standby' expects a whole number, 0 or more, got '-1'",
  );
  t.regex(usageError(['--standby', 'auto', 'app.js']), /^option '--standby' expects/);
});

test('WEB_CONCURRENCY sets the default worker count', (t) => {
  const { settings: parsed, sources } = run(['app.js'], { WEB_CONCURRENCY: '6' });
  t.is(parsed.workers, 6);
  t.is(sources.workers, 'environment');
  t.is(settings(['-w', '2', 'app.js'], { WEB_CONCURRENCY: '6' }).workers, 2);
  t.is(settings(['app.js'], { WEB_CONCURRENCY: '' }).workers, 1);
});

test('a bad WEB_CONCURRENCY is a usage error, unless -w overrides it', (t) => {
  t.is(
    usageError(['app.js'], { WEB_CONCURRENCY: 'lots' }),
    "environment variable WEB_CONCURRENCY expects a positive integer or auto, got 'lots'",
  );
  t.is(settings(['-w', '2', 'app.js'], { WEB_CONCURRENCY: 'lots' }).workers, 2);
});

test('PORT makes the default bind 0.0.0.0:$PORT', (t) => {
  const { settings: parsed, sources } = run(['app.js'], { PORT: '5000' });
  t.deepEqual(parsed.bind, ['0.0.0.0:5000']);
  t.is(sources.bind, 'environment');
  t.deepEqual(settings(['-b', '127.0.0.1:1', 'app.js'], { PORT: '5000' }).bind, ['127.0.0.1:1']);
  t.deepEqual(settings(['app.js'], { PORT: '' }).bind, ['127.0.0.1:8000']);
  t.regex(
    usageError(['app.js'], { PORT: 'web' }),
    /^environment variable PORT expects .*'0\.0\.0\.0:web'/,
  );
});

test('defaults are fresh copies: changing one result does not change the next', (t) => {
  settings(['app.js']).bind.push('unix:/tmp/x.sock');
  t.deepEqual(settings(['app.js']).bind, ['127.0.0.1:8000']);
});

test('-h and --help return the help text, generated from the table', (t) => {
  for (const argv of [['-h'], ['--help'], ['app.js', '-w', 'abc', '--help']]) {
    const parsed = parseCommandLine(argv, {});
    t.is(parsed.kind, 'help');
    if (parsed.kind !== 'help') continue;
    t.true(parsed.text.startsWith(`${usageLine()}\n`));
    for (const row of settingRows) {
      if (row.cli === undefined) continue;
      t.true(parsed.text.includes(row.cli === 'positional' ? row.metavar : row.cli.long));
    }
    t.regex(parsed.text, /-w, --workers INT +how many worker processes/);
    t.regex(parsed.text, /\[default: async\]/);
  }
});

test('--version returns the version from package.json', (t) => {
  const { version } = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  t.deepEqual(parseCommandLine(['--version'], {}), {
    kind: 'version',
    text: `corral (version ${version})`,
  });
});

test('an unknown option before --help is still reported', (t) => {
  t.is(usageError(['--wrokers', '--help']), "unknown option '--wrokers' (did you mean --workers?)");
});

const errors: [string[], string][] = [
  [['--wrokers', '4', 'app.js'], "unknown option '--wrokers' (did you mean --workers?)"],
  [['--wrokers=4', 'app.js'], "unknown option '--wrokers' (did you mean --workers?)"],
  [
    ['--worker_class', 'sync', 'a'],
    "unknown option '--worker_class' (did you mean --worker-class?)",
  ],
  [['--Timeout', '1', 'a'], "unknown option '--Timeout' (did you mean --timeout?)"],
  [['--threads', '4', 'app.js'], "unknown option '--threads'"],
  [['-x', 'app.js'], "unknown option '-x'"],
  [['-w', 'abc', 'app.js'], "option '-w, --workers' expects a positive integer or auto, got 'abc'"],
  [['-w0', 'app.js'], "option '-w, --workers' expects a positive integer or auto, got '0'"],
  [['-w', '2.5', 'app.js'], "option '-w, --workers' expects a positive integer or auto, got '2.5'"],
  [['--workers=', 'app.js'], "option '-w, --workers' expects a positive integer or auto, got ''"],
  [['--backlog', 'x', 'app.js'], "option '--backlog' expects a positive integer, got 'x'"],
  [
    ['--max-requests', '-1', 'a'],
    "option '--max-requests' expects a whole number, 0 or more, got '-1'",
  ],
  [
    ['--max-worker-memory', '0.5', 'a'],
    "option '--max-worker-memory' expects a whole number, 0 or more, got '0.5'",
  ],
  [[], 'APP_MODULE is required'],
  [['-w', '2'], 'APP_MODULE is required'],
  [['', '-w', '2'], "APP_MODULE expects a module path such as app.js or app.js:handler, got ''"],
  [['a.js', 'b.js'], "unexpected argument 'b.js' after APP_MODULE 'a.js'"],
  [['-k', 'gevent', 'a'], "option '-k, --worker-class' expects one of async, sync, got 'gevent'"],
  [
    ['--log-level', 'verbose', 'a'],
    "option '--log-level' expects one of debug, info, warning, error, critical, got 'verbose'",
  ],
  [
    ['-t', '-1', 'a'],
    "option '-t, --timeout' expects a number of seconds from 0 to 2147483, got '-1'",
  ],
  [
    ['-t', '1e3', 'a'],
    "option '-t, --timeout' expects a number of seconds from 0 to 2147483, got '1e3'",
  ],
  [
    ['--keep-alive', '9999999', 'a'],
    "option '--keep-alive' expects a number of seconds from 0 to 2147483, got '9999999'",
  ],
  [['-p', '', 'a'], "option '-p, --pid' expects a file path, got ''"],
  [['app.js', '-w'], "option '-w, --workers' requires a value"],
  [['--help=yes'], "option '-h, --help' takes no value"],
  [['--version=1'], "option '--version' takes no value"],
  [
    ['-b', 'nonsense:99999', 'a'],
    "option '-b, --bind' expects HOST:PORT, [IPV6]:PORT, unix:PATH or fd://N, got 'nonsense:99999': port 99999 is out of range 0-65535",
  ],
  [
    ['-b', '127.0.0.1:1', '-b', '[::1:80', 'a'],
    "option '-b, --bind' expects HOST:PORT, [IPV6]:PORT, unix:PATH or fd://N, got '[::1:80': missing ']' after the IPv6 address",
  ],
  [
    ['--inspector', 'http://x:1', 'a'],
    "option '--inspector' expects a ws:// or wss:// URL, got 'http://x:1'",
  ],
  [
    ['--status-bind', 'fd://3', 'a'],
    "option '--status-bind' expects an address like HOST:PORT, [IPV6]:PORT or unix:PATH, got 'fd://3'",
  ],
  [
    ['--metrics-bind', 'host:99999', 'a'],
    "option '--metrics-bind' expects HOST:PORT, [IPV6]:PORT or unix:PATH, got 'host:99999': port 99999 is out of range 0-65535",
  ],
  [
    ['--statsd-host', 'localhost', 'a'],
    "option '--statsd-host' expects HOST:PORT or unix:PATH, got 'localhost': no port",
  ],
  [
    ['--statsd-prefix', 'a b', 'a'],
    "option '--statsd-prefix' expects letters, digits, dots, dashes or underscores, got 'a b'",
  ],
];

for (const [argv, message] of errors) {
  test(`usage error: ${JSON.stringify(argv)}`, (t) => {
    t.is(usageError(argv), message);
  });
}

test('usage errors are one line and exit with code 2', (t) => {
  for (const [argv] of errors) {
    const error = t.throws(() => parseCommandLine(argv, {}), { instanceOf: UsageError });
    t.is(error.exitCode, ExitCode.Usage);
    t.is(error.code, 'ECORRAL_USAGE');
    t.false(error.message.includes('\n'));
  }
});

test('the usage line and the hint the CLI prints under an error', (t) => {
  t.is(usageLine(), 'usage: corral [options] APP_MODULE');
  t.is(usageHint(), "Try 'corral --help' for more information.");
});
