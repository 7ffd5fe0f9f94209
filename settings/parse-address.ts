/**
 * Bind addresses, as `-b/--bind` and the `bind` setting take them: `HOST:PORT`, `HOST` (port
 * 8000), `:PORT` (all IPv4 interfaces, as in Gunicorn), `[IPV6]:PORT`, `[IPV6]`, a bare IPv6
 * literal, `tcp://HOST:PORT`, `unix:PATH` / `unix://PATH`, and `fd://N` (a socket the master
 * inherited as file descriptor N, as Gunicorn takes it).
 *
 * Parsing is pure: hostnames are resolved later, when the master binds.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { UsageError } from '../errors.ts';

export type ParsedAddress =
  | { kind: 'tcp'; host: string; port: number; family: 4 | 6 }
  | { kind: 'unix'; path: string }
  | { kind: 'fd'; fd: number };

/** The outcome of checking one address: the parsed form, or why it is not one. */
export type AddressCheck = { ok: true; address: ParsedAddress } | { ok: false; reason: string };

export const DEFAULT_PORT = 8000;

/** Where `:PORT` listens: all IPv4 interfaces, as Gunicorn's empty host does. */
const ANY_IPV4 = '0.0.0.0';

/** File descriptors are C ints. */
const FD_MAX = 2 ** 31 - 1;

/** sun_path is 108 bytes on Linux, one of them the terminating NUL. */
const UNIX_PATH_MAX_BYTES = 107;

const HOSTNAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i;

/**
 * Parses one bind address, throwing a {@link UsageError} that names it when it is malformed.
 *
 * @example
 * parseAddress('[::1]:8080'); // { kind: 'tcp', host: '::1', port: 8080, family: 6 }
 * parseAddress('unix:/run/app.sock'); // { kind: 'unix', path: '/run/app.sock' }
 * parseAddress('fd://3'); // { kind: 'fd', fd: 3 }
 */
export function parseAddress(text: string): ParsedAddress {
  const check = checkAddress(text);
  if (!check.ok) throw new UsageError(`invalid bind address '${text}': ${check.reason}`);
  return check.address;
}

/**
 * Parses one bind address without throwing, so settings validation can word the error itself.
 *
 * @example
 * checkAddress('localhost:99999'); // { ok: false, reason: 'port 99999 is out of range 0-65535' }
 */
export function checkAddress(text: string): AddressCheck {
  if (/^unix:/i.test(text)) return checkUnixPath(text.replace(/^unix:(\/\/)?/i, ''));
  if (/^fd:\/\//i.test(text)) return checkFd(text.replace(/^fd:\/\//i, ''));
  const rest = text.replace(/^tcp:\/\//i, '');
  if (rest.startsWith('[') || rest.includes(']')) return checkBracketed(rest);
  if (isIPv6(rest)) return tcp(rest, DEFAULT_PORT, 6);
  const parts = rest.split(':');
  if (parts.length > 2) return fail("too many ':'; write IPv6 addresses in brackets, [::1]:8000");
  const [host = '', port] = parts;
  return checkHostAndPort(host === '' && port !== undefined ? ANY_IPV4 : host, port);
}

/**
 * The address as a person would write it back: `127.0.0.1:8000`, `[::1]:8000`, `unix:/run/a.sock`.
 *
 * @example
 * formatAddress({ kind: 'tcp', host: '::1', port: 0, family: 6 }); // '[::1]:0'
 */
export function formatAddress(address: ParsedAddress): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  if (address.kind === 'fd') return `fd://${address.fd}`;
  return address.family === 6
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}

function checkBracketed(text: string): AddressCheck {
  const match = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (match === null) {
    return fail(text.startsWith('[') ? "missing ']' after the IPv6 address" : "unexpected ']'");
  }
  const [, host = '', port] = match;
  if (!isIPv6(host)) return fail(`'${host}' in brackets is not an IPv6 address`);
  const checked = checkPort(port);
  return typeof checked === 'string' ? fail(checked) : tcp(host, checked, 6);
}

function checkHostAndPort(host: string, port: string | undefined): AddressCheck {
  if (host === '') return fail('the host is empty');
  const checked = checkPort(port);
  if (typeof checked === 'string') return fail(checked);
  if (isIPv4(host)) return tcp(host, checked, 4);
  if (/^[0-9.]+$/.test(host)) {
    return fail(`'${host}' is not an IPv4 address (for a port on all interfaces write ':${host}')`);
  }
  if (!HOSTNAME.test(host)) return fail(`'${host}' is not a valid host name`);
  // Hostnames resolve to IPv4, as in Gunicorn; IPv6 is asked for with a literal.
  return tcp(host.toLowerCase(), checked, 4);
}

/** The port number, or the reason it is not one. */
function checkPort(port: string | undefined): number | string {
  if (port === undefined) return DEFAULT_PORT;
  if (port === '') return 'the port is empty';
  if (!/^[0-9]+$/.test(port)) return `port '${port}' is not a number`;
  const value = Number(port);
  return value <= 65535 ? value : `port ${port} is out of range 0-65535`;
}

function checkUnixPath(path: string): AddressCheck {
  if (path === '') return fail('the unix socket path is empty');
  const bytes = Buffer.byteLength(path);
  if (bytes > UNIX_PATH_MAX_BYTES) {
    return fail(`the unix socket path is ${bytes} bytes long; the limit is ${UNIX_PATH_MAX_BYTES}`);
  }
  if (path.includes('\0')) return fail('the unix socket path contains a NUL byte');
  return { ok: true, address: { kind: 'unix', path } };
}

/** Only the number is checked here: whether fd N is an open stream socket is known at start. */
function checkFd(text: string): AddressCheck {
  if (text === '') return fail('the file descriptor number is empty');
  if (!/^[0-9]+$/.test(text)) return fail(`'${text}' is not a file descriptor number`);
  const fd = Number(text);
  if (fd > FD_MAX) return fail(`file descriptor ${text} is out of range 0-${FD_MAX}`);
  return { ok: true, address: { kind: 'fd', fd } };
}

function tcp(host: string, port: number, family: 4 | 6): AddressCheck {
  return { ok: true, address: { kind: 'tcp', host, port, family } };
}

function fail(reason: string): AddressCheck {
  return { ok: false, reason };
}
