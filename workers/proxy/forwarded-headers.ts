/**
 * `--forwarded-allow-ips`: the headers in which a proxy says who the client is and how it
 * connected reach the app only from a trusted peer; from any other peer they are removed, so a
 * client cannot spoof its address or scheme to an app (or an Express `trust proxy`) that
 * believes them.
 *
 * @example
 * const listener = withForwardedHeaders(app, config.http.forwardedAllowIps);
 */
import type { IncomingMessage, RequestListener } from 'node:http';
import { parseTrustList } from '../../protocol/trust-list.ts';
import { connectedPeer } from './peer-address.ts';

/**
 * The headers that speak for a proxy: RFC 7239's `Forwarded`, the de-facto `X-Forwarded-*`
 * family (any name with that prefix: -For, -Proto, -Host, -Port, -Ssl, -Protocol, -Scheme,
 * -Prefix), nginx's `X-Real-IP`, and Microsoft's `Front-End-Https`. Gunicorn's
 * `secure_scheme_headers` are among them.
 */
const EXACT_NAMES = new Set(['forwarded', 'x-real-ip', 'front-end-https']);
const PREFIX = 'x-forwarded-';

/**
 * Wraps the app so forwarded headers from untrusted peers are gone before it (or a `preRequest`
 * hook) sees the request. With `*` the app is returned as it is.
 *
 * @example
 * withForwardedHeaders(app, '127.0.0.1,10.0.0.0/8');
 */
export function withForwardedHeaders(listener: RequestListener, allowed: string): RequestListener {
  const parsed = parseTrustList(allowed);
  // The settings validator has refused a bad list already; this guards a hand-made boot config.
  if (!parsed.ok) throw new Error(`--forwarded-allow-ips ${parsed.problem}`);
  const list = parsed.value;
  if (list.trustsAll) return listener;
  return (req, res) => {
    // The names first: most requests carry none, and then the peer is never asked for (on a new
    // connection that would be a getpeername(2) the app may not need).
    if (hasForwarded(req.rawHeaders)) {
      const peer = connectedPeer(req.socket);
      // No address: a unix-socket peer, a local process, trusted as in Gunicorn.
      if (peer !== undefined && !list.trusts(peer)) stripForwarded(req);
    }
    listener(req, res);
  };
}

function hasForwarded(raw: readonly string[]): boolean {
  for (let i = 0; i < raw.length; i += 2) if (isForwarded(raw[i] as string)) return true;
  return false;
}

function isForwarded(name: string): boolean {
  // Every name above starts with x or f: most headers are ruled out without lowercasing.
  const first = name.charCodeAt(0) | 0x20;
  if (first !== 0x78 && first !== 0x66) return false;
  const lower = name.toLowerCase();
  return lower.startsWith(PREFIX) || EXACT_NAMES.has(lower);
}

function stripForwarded(req: IncomingMessage): void {
  const raw = req.rawHeaders;
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (!isForwarded(raw[i] as string)) kept.push(raw[i] as string, raw[i + 1] as string);
  }
  // Node builds `headers` and `headersDistinct` from rawHeaders when first read, counting the
  // original number of lines: build them now, before rawHeaders shrinks, and prune all three.
  // (HTTP/2's compatibility request has no headersDistinct, and rawHeaders only as a getter.)
  const { headers } = req;
  const distinct = (req as { headersDistinct?: Record<string, unknown> }).headersDistinct ?? {};
  for (const name of Object.keys(headers)) if (isForwarded(name)) delete headers[name];
  for (const name of Object.keys(distinct)) if (isForwarded(name)) delete distinct[name];
  Object.defineProperty(req, 'rawHeaders', {
    value: kept,
    writable: true,
    configurable: true,
    enumerable: true,
  });
}
