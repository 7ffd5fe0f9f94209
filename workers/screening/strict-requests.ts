/**
 * The RFC 9110/9112 rules Node's parser leaves to the server, checked before the app is called.
 * Each one closes a gap that request smuggling or spoofing uses when a proxy in front reads a
 * request differently from the app behind it. What llhttp already refuses (CL with TE, bad
 * Content-Length, whitespace before a colon, obs-fold, bare CR, control characters, unknown
 * methods) reaches `client-errors.ts` instead. `docs/requests.md` lists both.
 *
 * @example
 * const refusal = breaksProtocol(req);
 * if (refusal !== undefined) refuse(res, refusal.status);
 */
import type { IncomingMessage } from 'node:http';
import type { Refusal } from '../requests/error-responses.ts';
import { isHttp2Message } from '../http2/compat-message.ts';

/**
 * Fields defined as a single value whose repeats Node drops, keeping the first (see
 * `message.headers`); a proxy may have used the last. Content-Length is llhttp's to refuse.
 * Each has a bit, so spotting a repeat allocates nothing.
 */
const singletonBits = new Map(
  [
    'host',
    'authorization',
    'proxy-authorization',
    'content-type',
    'from',
    'if-modified-since',
    'if-unmodified-since',
    'max-forwards',
    'referer',
    'user-agent',
  ].map((name, index) => [name, 1 << index]),
);

/**
 * The lengths of the names looked at below: any other name is passed over without being
 * lowercased, which is most of a request's fields (Accept, Accept-Encoding, Cookie, ...).
 */
const watchedLengths = new Set([...singletonBits.keys(), 'transfer-encoding'].map((n) => n.length));

/** RFC 9112 §3.2: `uri-host [ ":" port ]`; an IP literal, or a reg-name (no `@`, `/`, space). */
const validHost = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(?::[0-9]*)?$/;

/** The last Host that passed: a worker sees the same few names again and again. */
let lastValidHost: string | undefined;

/**
 * The first rule the request breaks, or undefined. Cheap for a good request: a few comparisons
 * and one pass over the raw header names.
 *
 * @example
 * breaksProtocol(req); // { status: 400, reason: 'more than one Host field' } for a second Host
 */
export function breaksProtocol(req: IncomingMessage): Refusal | undefined {
  // RFC 9112 §2.3: this connection speaks HTTP/1.0 and HTTP/1.1 only. An HTTP/2 stream
  // (--http2: Node's compatibility request has one) was framed by nghttp2 instead.
  if ((req.httpVersionMajor !== 1 || req.httpVersionMinor > 1) && !isHttp2Message(req)) {
    return { status: 400, reason: `HTTP version ${req.httpVersion} on an HTTP/1.1 connection` };
  }
  return badTarget(req) ?? badFields(req);
}

/** RFC 9112 §3.2: the request-target forms, and which methods may use them. */
function badTarget(req: IncomingMessage): Refusal | undefined {
  const url = req.url ?? '';
  // §3.2.4: asterisk-form is for a server-wide OPTIONS only.
  if (url === '*' && req.method !== 'OPTIONS') {
    return { status: 400, reason: `asterisk-form target with ${req.method}` };
  }
  // §3.2.1 and §3.2.2: origin-form and absolute-form carry no fragment; clients strip it.
  if (url.includes('#')) return { status: 400, reason: 'a fragment in the request-target' };
  return undefined;
}

function badFields(req: IncomingMessage): Refusal | undefined {
  const raw = req.rawHeaders;
  let host: string | undefined;
  let transferEncoding: string | undefined;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const rawName = raw[i] as string;
    if (!watchedLengths.has(rawName.length)) continue;
    const name = rawName.toLowerCase();
    if (name === 'transfer-encoding') transferEncoding = raw[i + 1];
    const bit = singletonBits.get(name);
    if (bit === undefined) continue;
    if (name === 'host') host = raw[i + 1];
    // RFC 9112 §3.2 (Host, a MUST), RFC 9110 §5.3 (the others).
    if ((seen & bit) !== 0) return { status: 400, reason: `more than one ${raw[i]} field` };
    seen |= bit;
  }
  // RFC 9112 §3.2: a Host with an invalid value gets 400 like a missing or repeated one.
  if (host !== undefined && host !== lastValidHost) {
    if (!validHost.test(host))
      return { status: 400, reason: `invalid Host ${JSON.stringify(host)}` };
    lastValidHost = host;
  }
  return transferEncoding === undefined ? undefined : badTransferEncoding(req, transferEncoding);
}

/** RFC 9112 §6.1: framing by Transfer-Encoding, where front ends and apps disagree most. */
function badTransferEncoding(req: IncomingMessage, value: string): Refusal | undefined {
  // A 1.0 recipient must treat such framing as faulty; a proxy may have read Content-Length.
  if (req.httpVersionMinor === 0) return { status: 400, reason: 'Transfer-Encoding in HTTP/1.0' };
  const codings = value
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim());
  // RFC 9112 §6.3: without chunked last, a request's body length cannot be known: 400.
  if (codings.at(-1) !== 'chunked') {
    return {
      status: 400,
      reason: `Transfer-Encoding ${JSON.stringify(value)} without chunked last`,
    };
  }
  // RFC 9112 §6.1: a coding before chunked would reach the app still encoded, and one the
  // server does not understand gets 501.
  if (codings.length > 1) {
    return { status: 501, reason: `unsupported Transfer-Encoding ${JSON.stringify(value)}` };
  }
  return undefined;
}
