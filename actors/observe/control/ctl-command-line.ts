/**
 * `corral ctl`'s command line: which socket, which command, and its argument and flags.
 *
 * @example
 * parseCtlCommandLine(['-s', '/run/corral.sock', 'add', '2'], process.env)
 * // { kind: 'run', socket: '/run/corral.sock', request: { command: 'add', count: 2 }, ... }
 */
import { parseArgs } from 'node:util';
import { CONTROL_COMMANDS, type ControlRequest } from './commands.ts';
import { CtlExitCode, CtlFailure } from './ctl-exit-codes.ts';

export const CONTROL_SOCKET_ENV = 'CORRAL_CONTROL_SOCKET';
export const DEFAULT_TIMEOUT_S = 10;
/** A reload waits for a whole new generation to boot: give it longer unless told. */
export const DEFAULT_WAIT_TIMEOUT_S = 120;

export const CTL_USAGE = `usage: corral ctl [-s PATH] [--timeout SECONDS] COMMAND [ARGS]

commands:
  status [--json]      the master's state and a table of its workers (--json: all of it, for scripts)
  add [N]              N more workers (default 1), as N × TTIN
  remove [N]           N fewer workers (default 1, never below 1), as N × TTOU
  scale N              exactly N workers
  reload [--wait]      reload the settings and replace the workers, as HUP (--wait: until done)
  reopen-logs          reopen the log files, as USR1
  stop [--quick]       stop gracefully, as TERM (--quick: as QUIT)

options:
  -s, --socket PATH    the master's --control-socket (default: $${CONTROL_SOCKET_ENV})
  --timeout SECONDS    how long to wait for an answer (default ${DEFAULT_TIMEOUT_S}; ${DEFAULT_WAIT_TIMEOUT_S} with reload --wait)
  -h, --help           this text

exit codes: 0 done, 1 refused or failed, 2 usage, 3 no master answering, 4 permission denied, 5 timed out`;

export type CtlCommandLine =
  | { kind: 'help' }
  | { kind: 'run'; socket: string; request: ControlRequest; json: boolean; timeoutMs: number };

const usage = (message: string) => new CtlFailure(message, CtlExitCode.Usage);

/** @throws {CtlFailure} with exit code 2 (usage) for anything it cannot read. */
export function parseCtlCommandLine(argv: string[], env: NodeJS.ProcessEnv): CtlCommandLine {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        socket: { type: 'string', short: 's' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        wait: { type: 'boolean' },
        quick: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };
  const [command, argument, ...extra] = positionals;
  if (command === undefined) throw usage('no command given');
  if (extra.length > 0) throw usage(`unexpected argument '${extra[0]}'`);
  const request = toRequest(command, argument, values);
  const socket = values.socket ?? env[CONTROL_SOCKET_ENV];
  if (socket === undefined || socket === '') {
    throw usage(`which master? give --socket PATH (or -s PATH), or set ${CONTROL_SOCKET_ENV}`);
  }
  const waits = request.command === 'reload' && request.wait === true;
  const timeoutS = timeoutOf(values.timeout, waits ? DEFAULT_WAIT_TIMEOUT_S : DEFAULT_TIMEOUT_S);
  return { kind: 'run', socket, request, json: values.json === true, timeoutMs: timeoutS * 1000 };
}

interface Flags {
  json?: boolean | undefined;
  wait?: boolean | undefined;
  quick?: boolean | undefined;
}

function toRequest(command: string, argument: string | undefined, flags: Flags): ControlRequest {
  if (!(CONTROL_COMMANDS as readonly string[]).includes(command)) {
    throw usage(`unknown command '${command}'; known: ${CONTROL_COMMANDS.join(', ')}`);
  }
  const allowed: Record<string, keyof Flags | undefined> = {
    status: 'json',
    reload: 'wait',
    stop: 'quick',
  };
  for (const flag of ['json', 'wait', 'quick'] as const) {
    if (flags[flag] === true && allowed[command] !== flag)
      throw usage(`'${command}' takes no --${flag}`);
  }
  const takesNumber = command === 'add' || command === 'remove' || command === 'scale';
  if (!takesNumber && argument !== undefined) throw usage(`'${command}' takes no argument`);
  switch (command) {
    case 'add':
    case 'remove':
      return { command, count: argument === undefined ? 1 : countOf(argument, command) };
    case 'scale':
      if (argument === undefined) throw usage("'scale' needs the number of workers");
      return { command, workers: countOf(argument, command) };
    case 'reload':
      return { command, wait: flags.wait === true };
    case 'stop':
      return { command, quick: flags.quick === true };
    default:
      return { command: command as 'status' | 'reopen-logs' };
  }
}

function countOf(text: string, command: string): number {
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw usage(`'${command}' needs a whole number of at least 1, not '${text}'`);
  }
  return value;
}

function timeoutOf(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw usage(`--timeout needs a positive number of seconds, not '${text}'`);
  return value;
}
