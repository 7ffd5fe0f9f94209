/**
 * The bad-input table: what an operator gets wrong, what corral must say, and the exit code it
 * must end with. It is both the spec (bad-input.spec.ts runs every row against the real CLI and
 * checks that no process, socket or file is left behind) and the doc (docs/reliability.md is
 * rendered from it by `npm run docs:reliability`).
 *
 * In `args`, `says` and `files`: `{fixtures}` is spec/fixtures/bad-input/, `{dir}` the row's own
 * empty working directory, `{port}` a port another process holds, `{pid}` a live process's pid.
 */

export type Group = 'Flags' | 'Config files' | 'Addresses and files' | 'Apps' | 'Signals' | 'ctl';

export interface BadInputRow {
  group: Group;
  /** The bad input, as a reader would name it. */
  what: string;
  /** corral's arguments (after `corral`); run in `{dir}`. */
  args: string[];
  /** Files to write in `{dir}` first: name → content. */
  files?: Record<string, string>;
  /** Another process listens on `{port}` (127.0.0.1) while the row runs. */
  holdPort?: boolean;
  /** Signals to send the master, each once its log matches `after`. */
  signals?: Array<{ after: string; send: NodeJS.Signals }>;
  /** A request to keep in flight once the server is ready (for a stop with work under way). */
  request?: string;
  /** The exit code. */
  code: number;
  /** Text the output must contain, each piece as it is (after the placeholders). */
  says: string[];
}

const app = '{fixtures}app.mjs';
const local = ['-b', '127.0.0.1:0'];

export const badInputRows: BadInputRow[] = [
  {
    group: 'Flags',
    what: 'no APP_MODULE',
    args: [],
    code: 2,
    says: ['corral: error: APP_MODULE is required', 'usage: corral'],
  },
  {
    group: 'Flags',
    what: 'an unknown flag',
    args: [app, '--wrokers', '2'],
    code: 2,
    says: ["unknown option '--wrokers' (did you mean --workers?)"],
  },
  {
    group: 'Flags',
    what: 'a count that is not a number',
    args: [app, '-w', 'many'],
    code: 2,
    says: ["option '-w, --workers' expects a positive integer or auto, got 'many'"],
  },
  {
    group: 'Flags',
    what: 'a negative timeout',
    args: [app, '-t', '-5'],
    code: 2,
    says: ["option '-t, --timeout' expects a number of seconds from 0 to 2147483, got '-5'"],
  },
  {
    group: 'Flags',
    what: 'an unknown worker class',
    args: [app, '-k', 'bogus'],
    code: 2,
    says: ["option '-k, --worker-class' expects one of async, sync, got 'bogus'"],
  },
  {
    group: 'Flags',
    what: 'an address with a bad port',
    args: [app, '-b', 'nonsense:xx'],
    code: 2,
    says: ["option '-b, --bind' expects HOST:PORT", "got 'nonsense:xx': port 'xx' is not a number"],
  },
  {
    group: 'Flags',
    what: 'a zero backlog',
    args: [app, '--backlog', '0'],
    code: 2,
    says: ["option '--backlog' expects a positive integer, got '0'"],
  },
  {
    group: 'Flags',
    what: 'a statsd address without a port',
    args: [app, '--statsd-host', 'nonsense'],
    code: 2,
    says: ["option '--statsd-host' expects HOST:PORT or unix:PATH, got 'nonsense': no port"],
  },
  {
    group: 'Flags',
    what: '`--http2` without TLS',
    args: [app, ...local, '--http2'],
    code: 1,
    says: ['--http2 needs --certfile and --keyfile'],
  },
  {
    group: 'Config files',
    what: 'a value of the wrong type',
    args: [app, '-c', 'corral.json'],
    files: { 'corral.json': '{ "workers": "many" }' },
    code: 2,
    says: ["corral.json: 'workers' expects a positive integer or auto, got 'many'"],
  },
  {
    group: 'Config files',
    what: 'an unknown key',
    args: [app, '-c', 'corral.json'],
    files: { 'corral.json': '{ "wrokers": 2 }' },
    code: 2,
    says: ["corral.json: 'wrokers' is not a setting or hook (did you mean 'workers'?)"],
  },
  {
    group: 'Config files',
    what: 'a file that does not parse',
    args: [app, '-c', 'corral.json'],
    files: { 'corral.json': '{ bad json' },
    code: 1,
    says: ['cannot read config file {dir}corral.json'],
  },
  {
    group: 'Config files',
    what: 'a file that does not exist',
    args: [app, '-c', 'missing.json'],
    code: 1,
    says: ['config file missing.json does not exist'],
  },
  {
    group: 'Addresses and files',
    what: 'an address in use',
    args: [app, '-b', '127.0.0.1:{port}'],
    holdPort: true,
    code: 1,
    says: ['127.0.0.1:{port}', 'address already in use'],
  },
  {
    group: 'Addresses and files',
    what: 'a unix socket in a missing directory',
    args: [app, '-b', 'unix:{dir}nowhere/app.sock'],
    code: 1,
    says: [
      'cannot listen at unix:{dir}nowhere/app.sock: the directory {dir}nowhere does not exist',
    ],
  },
  {
    group: 'Addresses and files',
    what: 'a PID file held by a live process',
    args: [app, ...local, '-p', 'corral.pid'],
    files: { 'corral.pid': '{pid}\n' },
    code: 1,
    says: ['already running on PID {pid} (according to corral.pid)'],
  },
  {
    group: 'Addresses and files',
    what: 'a certificate that does not exist',
    args: [app, ...local, '--certfile', 'cert.pem', '--keyfile', 'key.pem'],
    code: 1,
    says: ['cannot read --certfile {dir}cert.pem: ENOENT'],
  },
  {
    group: 'Addresses and files',
    what: 'a user that does not exist',
    args: [app, ...local, '-u', 'nosuchuser'],
    code: 1,
    says: ["cannot run the workers as user 'nosuchuser': no such user (--user)"],
  },
  {
    group: 'Apps',
    what: 'an app path that does not exist',
    args: ['missing.js', ...local],
    code: 3,
    says: ['The app module {dir}missing.js does not exist'],
  },
  {
    group: 'Apps',
    what: 'an app that does not parse',
    args: ['{fixtures}syntax-error.mjs', ...local],
    code: 3,
    says: ['Importing the app module {fixtures}syntax-error.mjs failed: SyntaxError'],
  },
  {
    group: 'Apps',
    what: 'an app that throws at import',
    args: ['{fixtures}throws-at-import.mjs', ...local],
    code: 3,
    says: ['Importing the app module {fixtures}throws-at-import.mjs failed: Error: boom at import'],
  },
  {
    group: 'Apps',
    what: 'an app that exits at import',
    args: ['{fixtures}exits-at-import.mjs', ...local],
    code: 3,
    says: ['the worker exited with code 7 before it was ready'],
  },
  {
    group: 'Apps',
    what: 'an app that never becomes ready',
    args: ['{fixtures}stuck-at-import.mjs', ...local, '--boot-timeout', '2'],
    code: 3,
    says: ['did not become ready within 2 s (boot-timeout); treated as a boot failure'],
  },
  {
    group: 'Apps',
    what: 'an app that exports the wrong thing',
    args: ['{fixtures}not-an-app.mjs', ...local],
    code: 4,
    says: ['is an object with keys port, host, not an app'],
  },
  {
    group: 'Apps',
    what: 'an export name the module does not have',
    args: ['{fixtures}app.mjs:nope', ...local],
    code: 4,
    says: ["has no export named 'nope'; its exports are: default (a function)"],
  },
  {
    group: 'Apps',
    what: 'a server.js that listens on two ports',
    args: ['{fixtures}two-ports.mjs', ...local],
    code: 4,
    says: ['The app asked to listen on port 3001 after port 3000'],
  },
  {
    group: 'Apps',
    what: 'a module that exports nothing and never listens',
    args: ['{fixtures}never-listens.mjs', ...local, '--boot-timeout', '2'],
    code: 4,
    says: ['exports nothing and did not call listen() within'],
  },
  {
    group: 'Signals',
    what: '`TERM` while the app is still importing',
    args: ['{fixtures}slow-boot.mjs', ...local],
    signals: [{ after: 'Booting worker 1', send: 'SIGTERM' }],
    code: 0,
    says: ['Handling signal: term', 'after being asked to stop', 'Shutting down: Master'],
  },
  {
    group: 'Signals',
    what: '`INT` during a graceful stop with a request in flight',
    args: ['{fixtures}slow-request.mjs', ...local, '--graceful-timeout', '60'],
    request: '/slow',
    signals: [
      { after: 'slow request started', send: 'SIGTERM' },
      { after: 'Stopping workers gracefully', send: 'SIGINT' },
    ],
    code: 0,
    says: ['Handling signal: term', 'Handling signal: int', 'Shutting down: Master'],
  },
  {
    group: 'ctl',
    what: '`corral ctl` with no master on the socket',
    args: ['ctl', '-s', '{dir}none.sock', 'status'],
    code: 3,
    says: ['corral ctl: error: no master answers at {dir}none.sock: no such socket'],
  },
  {
    group: 'ctl',
    what: '`corral ctl` without a socket',
    args: ['ctl', 'status'],
    code: 2,
    says: ['which master? give --socket PATH (or -s PATH), or set CORRAL_CONTROL_SOCKET'],
  },
];
