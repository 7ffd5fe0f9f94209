/**
 * Gunicorn's access log format (`%(h)s %(l)s ...`), compiled once into a function of one
 * finished request, so the hot path does no parsing. The atoms mean what they mean in Gunicorn
 * (glogging.py): see docs/logging.md for the table.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { accessTimestamp } from './time.ts';

/** One finished request, as the access log sees it. */
export interface AccessRecord {
  req: IncomingMessage;
  res: ServerResponse;
  /** Body bytes the app sent. */
  sent: number;
  /** From the request's arrival to the response's end, in milliseconds. */
  elapsedMs: number;
  /**
   * The client's address when the socket cannot be asked at the end (an HTTP/2 stream is
   * detached from its session by then).
   */
  peer?: string | undefined;
}

export type AccessFormatter = (record: AccessRecord) => string;

type Atom = (record: AccessRecord) => string | number;

// Python's %-format: `%(key)` with optional flags, width, precision and a conversion; or `%%`.
const placeholder = /%\(([^)]*)\)([-#0 +]*)(\d*)(?:\.(\d+))?([diouxXeEfFgGcrsa])|%%/g;

/**
 * @example
 * const format = compileAccessFormat('%(h)s "%(r)s" %(s)s %(b)s');
 * format(record); // '127.0.0.1 "GET /?a=1 HTTP/1.1" 200 5'
 */
export function compileAccessFormat(format: string): AccessFormatter {
  const parts: Array<string | Atom> = [];
  let last = 0;
  for (const match of format.matchAll(placeholder)) {
    parts.push(format.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[0] === '%%') parts.push('%');
    else parts.push(convert(atomFor(match[1] ?? ''), match));
  }
  parts.push(format.slice(last));
  const pieces = parts.filter((part) => part !== '');
  return (record) => {
    let line = '';
    for (const piece of pieces) line += typeof piece === 'string' ? piece : piece(record);
    return line;
  };
}

/** Applies the conversion and width of one placeholder (`%(s)s`, `%(D)d`, `%(h)-15s`). */
function convert(atom: Atom, match: RegExpMatchArray): Atom {
  const [, , flags = '', width = '', , conversion = 's'] = match;
  const integer = 'diu'.includes(conversion);
  const render: Atom = integer ? (record) => asInteger(atom(record)) : atom;
  if (width === '') return render;
  const size = Number(width);
  const left = flags.includes('-');
  return (record) => {
    const text = String(render(record));
    return left ? text.padEnd(size) : text.padStart(size);
  };
}

function asInteger(value: string | number): string | number {
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) && value !== '' ? Math.trunc(number) : '-';
}

function atomFor(key: string): Atom {
  if (key.startsWith('{')) return headerAtom(key.toLowerCase());
  return atoms[key] ?? (() => '-');
}

/** `{name}i` is a request header, `{name}o` a response header; `{name}e` has no WSGI environ. */
function headerAtom(key: string): Atom {
  const close = key.lastIndexOf('}');
  const name = key.slice(1, close);
  const kind = key.slice(close + 1);
  if (close === -1 || name === '') return () => '-';
  if (kind === 'i') return ({ req }) => headerText(req.headers[name]);
  if (kind === 'o') return ({ res }) => headerText(res.getHeader(name));
  return () => '-';
}

function headerText(value: string | number | string[] | undefined): string {
  if (value === undefined) return '-';
  return escape(Array.isArray(value) ? value.join(', ') : String(value));
}

const atoms: Record<string, Atom> = {
  h: ({ req, peer }) => peer ?? req.socket.remoteAddress ?? '',
  l: () => '-',
  u: ({ req }) => basicAuthUser(req.headers.authorization),
  t: () => accessTimestamp(Date.now()),
  r: ({ req }) => escape(`${req.method ?? ''} ${req.url ?? ''} HTTP/${req.httpVersion}`),
  m: ({ req }) => req.method ?? '-',
  U: ({ req }) => escape(pathInfo(req.url ?? '')),
  q: ({ req }) => escape(queryString(req.url ?? '')),
  H: ({ req }) => `HTTP/${req.httpVersion}`,
  s: ({ res }) => res.statusCode,
  B: ({ sent }) => sent,
  // Gunicorn writes 0, not Apache's '-', for an empty body.
  b: ({ sent }) => String(sent),
  f: ({ req }) => headerText(req.headers.referer),
  a: ({ req }) => headerText(req.headers['user-agent']),
  T: ({ elapsedMs }) => Math.trunc(elapsedMs / 1000),
  M: ({ elapsedMs }) => Math.trunc(elapsedMs),
  D: ({ elapsedMs }) => Math.trunc(elapsedMs * 1000),
  L: ({ elapsedMs }) => decimalSeconds(elapsedMs),
  p: () => `<${process.pid}>`,
};

/** `%d.%06d` of the elapsed seconds, as Gunicorn prints a timedelta. */
function decimalSeconds(elapsedMs: number): string {
  const micros = Math.trunc(elapsedMs * 1000);
  return `${Math.trunc(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
}

/** The user name of HTTP Basic auth, or `-`. */
function basicAuthUser(authorization: string | undefined): string {
  if (authorization === undefined || !/^basic /i.test(authorization)) return '-';
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // Gunicorn takes no user from credentials without a colon.
  return colon === -1 ? '-' : escape(decoded.slice(0, colon));
}

/** WSGI's PATH_INFO: the path without the query, percent-decoded. */
function pathInfo(url: string): string {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function queryString(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? '' : url.slice(query + 1);
}

// Gunicorn escapes `"`; control characters are escaped too, so a value never breaks the line.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const needsEscape = /["\u0000-\u001f\u007f]/;

function escape(value: string): string {
  if (!needsEscape.test(value)) return value;
  // eslint-disable-next-line no-control-regex -- as above
  return value.replace(/["\u0000-\u001f\u007f]/g, (char) =>
    char === '"' ? '\\"' : `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
