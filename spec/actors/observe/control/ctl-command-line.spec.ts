import test from 'ava';
import { parseCtlCommandLine } from '../../../../actors/observe/control/ctl-command-line.ts';
import { CtlExitCode } from '../../../../actors/observe/control/ctl-exit-codes.ts';

const env = { CORRAL_CONTROL_SOCKET: '/run/env.sock' };

test('reads the socket, the command and its flags', (t) => {
  t.like(parseCtlCommandLine(['-s', '/a.sock', 'add', '3'], env), {
    kind: 'run',
    socket: '/a.sock',
    request: { command: 'add', count: 3 },
    timeoutMs: 10_000,
  });
  t.like(parseCtlCommandLine(['remove'], env), {
    socket: '/run/env.sock',
    request: { command: 'remove', count: 1 },
  });
  t.like(parseCtlCommandLine(['status', '--json', '--socket', '/b.sock'], env), {
    socket: '/b.sock',
    json: true,
  });
  t.like(parseCtlCommandLine(['reload', '--wait'], env), {
    request: { command: 'reload', wait: true },
    timeoutMs: 120_000,
  });
  t.like(parseCtlCommandLine(['stop', '--quick', '--timeout', '2.5'], env), {
    request: { command: 'stop', quick: true },
    timeoutMs: 2500,
  });
  t.like(parseCtlCommandLine(['scale', '4'], env), { request: { command: 'scale', workers: 4 } });
  t.deepEqual(parseCtlCommandLine(['--help'], {}), { kind: 'help' });
});

test('anything else is a usage error (exit 2) that says what is wrong', (t) => {
  const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
    [['status'], {}, /which master\? give --socket PATH/],
    [[], env, /no command given/],
    [['fly'], env, /unknown command 'fly'/],
    [['scale'], env, /'scale' needs the number of workers/],
    [['add', '0'], env, /'add' needs a whole number of at least 1, not '0'/],
    [['add', '1.5'], env, /not '1.5'/],
    [['status', 'x'], env, /'status' takes no argument/],
    [['stop', '--wait'], env, /'stop' takes no --wait/],
    [['status', '--bogus'], env, /bogus/],
    [['status', '--timeout', '0'], env, /--timeout needs a positive number/],
  ];
  for (const [argv, given, message] of cases) {
    const error = t.throws(() => parseCtlCommandLine(argv, given), { message });
    t.is((error as { exitCode?: number } | undefined)?.exitCode, CtlExitCode.Usage);
  }
});
