/**
 * The PROXY protocol header (HAProxy's spec, versions 1 and 2): what a load balancer writes at
 * the start of a connection to say whom it is relaying. This file only parses bytes; reading
 * them off a socket is `proxy-protocol-reader.ts`.
 *
 * @example
 * parseProxyHeader(Buffer.from('PROXY TCP4 203.0.113.7 127.0.0.1 5555 80\r\nGET / ...'));
 * // { state: 'done', length: 42, source: { address: '203.0.113.7', port: 5555, family: 'IPv4' } }
 */
import { isIP } from 'node:net';

/** The client the header names. */
export interface ProxySource {
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
}

export type ProxyHeader =
  | { state: 'incomplete' }
  | { state: 'invalid'; reason: string }
  /** `source` is undefined for v2 LOCAL, UNKNOWN and unix addresses: the peer stays as it is. */
  | { state: 'done'; length: number; source: ProxySource | undefined };

const V1_PREFIX = Buffer.from('PROXY ');
/** The spec's longest v1 line, CRLF included. */
const V1_MAX_LENGTH = 107;
const V2_SIGNATURE = Buffer.from([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);
const V2_FIXED_LENGTH = 16;

/**
 * Parses the header at the start of `bytes`, or says that more bytes are needed.
 *
 * @example
 * parseProxyHeader(Buffer.from('PROX')); // { state: 'incomplete' }
 */
export function parseProxyHeader(bytes: Buffer): ProxyHeader {
  if (startsLike(bytes, V1_PREFIX)) return parseV1(bytes);
  if (startsLike(bytes, V2_SIGNATURE)) return parseV2(bytes);
  return invalid('the connection does not start with a PROXY protocol header');
}

/** The bytes so far agree with `prefix` (as far as either goes). */
function startsLike(bytes: Buffer, prefix: Buffer): boolean {
  const length = Math.min(bytes.length, prefix.length);
  return bytes.subarray(0, length).equals(prefix.subarray(0, length));
}

function parseV1(bytes: Buffer): ProxyHeader {
  const end = bytes.subarray(0, V1_MAX_LENGTH).indexOf('\r\n');
  if (end === -1) {
    return bytes.length >= V1_MAX_LENGTH ? invalid('v1 line too long') : { state: 'incomplete' };
  }
  const [, protocol, ...fields] = bytes.toString('latin1', 0, end).split(' ');
  const length = end + 2;
  if (protocol === 'UNKNOWN') return { state: 'done', length, source: undefined };
  const family = protocol === 'TCP4' ? 4 : protocol === 'TCP6' ? 6 : 0;
  if (family === 0) return invalid(`v1 protocol '${protocol ?? ''}' is not TCP4, TCP6 or UNKNOWN`);
  const [source = '', destination = '', sourcePort = '', destinationPort = '', ...rest] = fields;
  const port = portNumber(sourcePort);
  const wellFormed =
    rest.length === 0 &&
    isIP(source) === family &&
    isIP(destination) === family &&
    port !== undefined &&
    portNumber(destinationPort) !== undefined;
  if (!wellFormed) return invalid('malformed v1 line');
  return { state: 'done', length, source: { address: source, port, family: `IPv${family}` } };
}

function portNumber(text: string): number | undefined {
  const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
  return port <= 65535 ? port : undefined;
}

function parseV2(bytes: Buffer): ProxyHeader {
  if (bytes.length < V2_FIXED_LENGTH) return { state: 'incomplete' };
  const versionAndCommand = bytes[12] as number;
  const addressFamily = (bytes[13] as number) >> 4;
  const length = V2_FIXED_LENGTH + bytes.readUInt16BE(14);
  if (versionAndCommand >> 4 !== 2) return invalid('v2 header with a version other than 2');
  const command = versionAndCommand & 0x0f;
  if (command > 1) return invalid(`v2 command ${command} is neither LOCAL nor PROXY`);
  if (bytes.length < length) return { state: 'incomplete' };
  // LOCAL: the proxy's own connection (a health check); the peer is the proxy itself.
  if (command === 0) return { state: 'done', length, source: undefined };
  const body = bytes.subarray(V2_FIXED_LENGTH, length);
  if (addressFamily === 1) return v2Source(length, body, 4);
  if (addressFamily === 2) return v2Source(length, body, 16);
  // UNSPEC or a unix address: nothing an app could use as a client IP.
  if (addressFamily === 0 || addressFamily === 3)
    return { state: 'done', length, source: undefined };
  return invalid(`v2 address family ${addressFamily} is unknown`);
}

function v2Source(length: number, body: Buffer, size: 4 | 16): ProxyHeader {
  // Source and destination addresses, then their ports; TLVs may follow and are ignored.
  if (body.length < size * 2 + 4) return invalid('v2 address block too short');
  const port = body.readUInt16BE(size * 2);
  const raw = body.subarray(0, size);
  const source: ProxySource =
    size === 4
      ? { address: [...raw].join('.'), port, family: 'IPv4' }
      : { address: ipv6Text(raw), port, family: 'IPv6' };
  return { state: 'done', length, source };
}

/** The canonical (compressed) text of 16 address bytes, as `socket.remoteAddress` writes it. */
function ipv6Text(raw: Buffer): string {
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(raw.readUInt16BE(i).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

function invalid(reason: string): ProxyHeader {
  return { state: 'invalid', reason };
}
