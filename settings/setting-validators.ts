/**
 * Value checks for the settings table, one per kind of value. Each takes what any source gives:
 * a string from the command line or the environment, or an already typed value from a config
 * file or an embedding program. It returns the value or a problem worded to follow a label:
 * `option '-w, --workers'` + ` expects a positive integer, got 'abc'`.
 */
import { parseTrustList } from '../protocol/trust-list.ts';
import { checkAddress } from './parse-address.ts';

export type Checked<TValue> = { ok: true; value: TValue } | { ok: false; problem: string };

/** One setting's check: the value it stands for, or why the input is not one. */
export type Validator<TValue> = (input: unknown) => Checked<TValue>;

/** setTimeout overflows above 2^31-1 ms and then fires at once, so longer durations are refused. */
export const MAX_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/**
 * A whole number of 1 or more: worker counts, connection limits, the backlog.
 *
 * @example
 * positiveInteger('4'); // { ok: true, value: 4 }
 */
export const positiveInteger: Validator<number> = (input) => {
  const value = typeof input === 'string' && /^[0-9]+$/.test(input) ? Number(input) : input;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) {
    return { ok: true, value };
  }
  return expected('a positive integer', input);
};

/**
 * A whole number of 0 or more, where 0 usually means "off": max-requests, its jitter, a memory
 * ceiling in MiB, a restart budget.
 *
 * @example
 * nonNegativeInteger('0'); // { ok: true, value: 0 }
 */
export const nonNegativeInteger: Validator<number> = (input) => {
  const value = typeof input === 'string' && /^[0-9]+$/.test(input) ? Number(input) : input;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    return { ok: true, value };
  }
  return expected('a whole number, 0 or more', input);
};

/**
 * A duration in seconds: 0 or more, fractions allowed.
 *
 * @example
 * seconds('0.5'); // { ok: true, value: 0.5 }
 */
export const seconds: Validator<number> = (input) => {
  const decimal = /^([0-9]+(\.[0-9]*)?|\.[0-9]+)$/;
  const value = typeof input === 'string' && decimal.test(input) ? Number(input) : input;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_SECONDS) {
    return { ok: true, value };
  }
  return expected(`a number of seconds from 0 to ${MAX_SECONDS}`, input);
};

/**
 * One of a fixed list of words, matched without regard to case.
 *
 * @example
 * const workerClass = oneOf(['async', 'sync'] as const);
 * workerClass('SYNC'); // { ok: true, value: 'sync' }
 */
export function oneOf<const TChoice extends string>(
  choices: readonly TChoice[],
): Validator<TChoice> {
  return (input) => {
    const lowered = typeof input === 'string' ? input.toLowerCase() : input;
    const found = choices.find((choice) => choice === lowered);
    return found === undefined
      ? expected(`one of ${choices.join(', ')}`, input)
      : { ok: true, value: found };
  };
}

/**
 * A non-empty file path.
 *
 * @example
 * filePath('/run/corral.pid'); // { ok: true, value: '/run/corral.pid' }
 */
export const filePath: Validator<string> = (input) =>
  typeof input === 'string' && input !== '' && !input.includes('\0')
    ? { ok: true, value: input }
    : expected('a file path', input);

/**
 * APP_MODULE: a module path or package name with an optional `:export`.
 *
 * @example
 * appModule('app.js:handler'); // { ok: true, value: 'app.js:handler' }
 */
export const appModule: Validator<string> = (input) =>
  typeof input === 'string' && input.trim() !== ''
    ? { ok: true, value: input }
    : expected('a module path such as app.js or app.js:handler', input);

/**
 * One or more bind addresses; a single string counts as a list of one. The strings are kept as
 * written: consumers parse them again with `parseAddress`, which cannot fail once this passed.
 *
 * @example
 * bindAddresses(['127.0.0.1:8000', 'unix:/run/app.sock']); // ok
 */
export const bindAddresses: Validator<string[]> = (input) => {
  const items = typeof input === 'string' ? [input] : input;
  const shapes = 'HOST:PORT, [IPV6]:PORT, unix:PATH or fd://N';
  if (!Array.isArray(items) || items.length === 0)
    return expected(`addresses like ${shapes}`, input);
  for (const item of items) {
    if (typeof item !== 'string') return expected(`an address like ${shapes}`, item);
    const check = checkAddress(item);
    if (!check.ok)
      return { ok: false, problem: `expects ${shapes}, got '${item}': ${check.reason}` };
  }
  return { ok: true, value: items.map(String) };
};

/**
 * One address to serve something of the master's on (`--status-bind`, `--metrics-bind`):
 * `HOST:PORT`, `[IPV6]:PORT` or `unix:PATH`; not `fd://`, which only bind takes.
 *
 * @example
 * listenAddress('127.0.0.1:9100'); // { ok: true, value: '127.0.0.1:9100' }
 */
export const listenAddress: Validator<string> = (input) => {
  const shapes = 'HOST:PORT, [IPV6]:PORT or unix:PATH';
  if (typeof input !== 'string' || input === '')
    return expected(`an address like ${shapes}`, input);
  const check = checkAddress(input);
  if (!check.ok)
    return { ok: false, problem: `expects ${shapes}, got '${input}': ${check.reason}` };
  if (check.address.kind === 'fd') return expected(`an address like ${shapes}`, input);
  return { ok: true, value: input };
};

/**
 * Where statsd listens: `HOST:PORT` (UDP) or `unix:PATH` (a datagram socket), as Gunicorn's
 * `--statsd-host` takes it. A port is required: statsd has no port 8000 to fall back on.
 *
 * @example
 * statsdAddress('127.0.0.1:8125'); // { ok: true, value: '127.0.0.1:8125' }
 */
export const statsdAddress: Validator<string> = (input) => {
  const checked = listenAddress(input);
  if (!checked.ok) return checked;
  const text = checked.value;
  if (!/^unix:/i.test(text) && !/:\d+$/.test(text))
    return { ok: false, problem: `expects HOST:PORT or unix:PATH, got '${text}': no port` };
  return checked;
};

/**
 * A statsd metric prefix: letters, digits and `._-`, or empty.
 *
 * @example
 * statsdPrefix('myapp'); // { ok: true, value: 'myapp' }
 */
export const statsdPrefix: Validator<string> = (input) =>
  typeof input === 'string' && /^[A-Za-z0-9._-]*$/.test(input)
    ? { ok: true, value: input }
    : expected('letters, digits, dots, dashes or underscores', input);

/**
 * A WebSocket URL: `ws://HOST:PORT/...` or `wss://...` (the Stately inspector's relay).
 *
 * @example
 * webSocketUrl('ws://127.0.0.1:8080'); // { ok: true, value: 'ws://127.0.0.1:8080' }
 */
export const webSocketUrl: Validator<string> = (input) => {
  if (typeof input !== 'string') return expected('a ws:// or wss:// URL', input);
  try {
    const url = new URL(input);
    if (url.protocol === 'ws:' || url.protocol === 'wss:') return { ok: true, value: input };
  } catch {
    // worded below
  }
  return expected('a ws:// or wss:// URL', input);
};

/**
 * A worker count, or `auto` for one derived from the cores available (see `available-cores.ts`).
 *
 * @example
 * workerCount('auto'); // { ok: true, value: 'auto' }
 */
export const workerCount: Validator<number | 'auto'> = (input) => {
  if (typeof input === 'string' && input.toLowerCase() === 'auto')
    return { ok: true, value: 'auto' };
  const checked = positiveInteger(input);
  return checked.ok ? checked : expected('a positive integer or auto', input);
};

/**
 * An on/off switch: `true` from a flag on the command line, or a boolean in a config file.
 *
 * @example
 * flag(true); // { ok: true, value: true }
 */
export const flag: Validator<boolean> = (input) => {
  if (typeof input === 'boolean') return { ok: true, value: input };
  if (input === 'true' || input === 'false') return { ok: true, value: input === 'true' };
  return expected('true or false', input);
};

/**
 * A non-empty word without control characters: a process name, a user or group name or id.
 *
 * @example
 * word('www-data'); // { ok: true, value: 'www-data' }
 */
export const word: Validator<string> = (input) => {
  const value = typeof input === 'number' ? String(input) : input;
  return typeof value === 'string' && value.trim() !== '' && !hasControlCharacter(value)
    ? { ok: true, value }
    : expected('a name', input);
};

/**
 * `KEY=VALUE` assignments for the workers' environment; one string counts as a list of one.
 *
 * @example
 * envAssignments(['NODE_ENV=production']); // ok
 */
export const envAssignments: Validator<string[]> = (input) => {
  const items = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(items)) return expected('KEY=VALUE', input);
  for (const item of items) {
    if (typeof item !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*=/.test(item)) {
      return expected('KEY=VALUE with a name of letters, digits and _', item);
    }
  }
  return { ok: true, value: items.map(String) };
};

/**
 * A umask: a number up to 0o777, written in octal with a leading 0 or 0o (`022`, `0o027`), in
 * hex with 0x, or in decimal, as Gunicorn reads it with `int(x, 0)` (plus the leading-0 octal
 * everybody writes).
 *
 * @example
 * fileModeMask('027'); // { ok: true, value: 0o27 }
 */
export const fileModeMask: Validator<number> = (input) => {
  const value = typeof input === 'string' ? parseMode(input) : input;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0o777) {
    return { ok: true, value };
  }
  return expected('a file mode mask from 0 to 0o777, such as 022', input);
};

/**
 * Client certificate requirements, by name or by Gunicorn's number.
 *
 * @example
 * certRequirement('2'); // { ok: true, value: 'required' }
 */
export const certRequirement: Validator<'none' | 'optional' | 'required'> = (input) => {
  const names = ['none', 'optional', 'required'] as const;
  const text = typeof input === 'number' ? String(input) : input;
  const byNumber =
    typeof text === 'string' && /^[012]$/.test(text) ? names[Number(text)] : undefined;
  return byNumber === undefined ? oneOf(names)(input) : { ok: true, value: byNumber };
};

/**
 * Trusted peers: comma-separated addresses and CIDR ranges (IPv4, IPv6), or `*`; parsed the same
 * way the workers parse it, so a bad entry stops the start instead of a worker.
 *
 * @example
 * trustList('127.0.0.1,10.0.0.0/8'); // ok
 * trustList('10.0.0.0/33'); // { ok: false, problem: "expects ... got '10.0.0.0/33': ..." }
 */
export const trustList: Validator<string> = (input) => {
  const checked = word(input);
  if (!checked.ok) return expected('addresses, CIDR ranges or *', input);
  const parsed = parseTrustList(checked.value);
  return parsed.ok
    ? checked
    : { ok: false, problem: `expects addresses, CIDR ranges or *, got ${parsed.problem}` };
};

/**
 * A list of file paths; one string counts as a list of one.
 *
 * @example
 * filePaths(['templates/index.html']); // ok
 */
export const filePaths: Validator<string[]> = (input) => {
  const items = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(items)) return expected('file paths', input);
  for (const item of items) {
    const checked = filePath(item);
    if (!checked.ok) return checked;
  }
  return { ok: true, value: items.map(String) };
};

function hasControlCharacter(text: string): boolean {
  return [...text].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
}

function parseMode(text: string): number | undefined {
  const lowered = text.trim().toLowerCase();
  if (/^0o[0-7]+$/.test(lowered)) return parseInt(lowered.slice(2), 8);
  if (/^0x[0-9a-f]+$/.test(lowered)) return parseInt(lowered.slice(2), 16);
  if (/^0[0-7]*$/.test(lowered)) return parseInt(lowered, 8);
  if (/^[1-9][0-9]*$/.test(lowered)) return Number(lowered);
  return undefined;
}

function expected(what: string, input: unknown): { ok: false; problem: string } {
  return { ok: false, problem: `expects ${what}, got ${describe(input)}` };
}

function describe(input: unknown): string {
  if (typeof input === 'string') return `'${input}'`;
  if (Array.isArray(input)) return 'a list';
  return input === null ? 'null' : typeof input === 'object' ? 'an object' : String(input);
}
