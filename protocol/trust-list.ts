/**
 * A list of trusted peers, as `--forwarded-allow-ips` and `--proxy-allow-from` give it:
 * addresses and CIDR ranges, IPv4 and IPv6, separated by commas, or `*` for any peer.
 *
 * It lives in `protocol/` because both sides parse it: the settings validator (so a bad entry
 * is a usage error at start) and the worker (once, at boot), which may not import `settings/`.
 *
 * @example
 * const list = parseTrustList('127.0.0.1,10.0.0.0/8,::1');
 * if (list.ok) list.value.trusts('::ffff:10.1.2.3'); // true: IPv4-mapped matches IPv4
 */
import { BlockList, isIPv4 } from 'node:net';

export interface TrustList {
  /** Whether a peer at this address (as `socket.remoteAddress` gives it) is trusted. */
  trusts(address: string): boolean;
  /** `*`: every peer is trusted, so a caller can skip the per-request check altogether. */
  readonly trustsAll: boolean;
}

export type ParsedTrustList = { ok: true; value: TrustList } | { ok: false; problem: string };

/**
 * Parses the comma-separated list; the first bad entry is the problem.
 *
 * @example
 * parseTrustList('10.0.0.0/33'); // { ok: false, problem: "'10.0.0.0/33': ..." }
 */
export function parseTrustList(text: string): ParsedTrustList {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.includes('*')) return { ok: true, value: { trusts: () => true, trustsAll: true } };
  const rules: Rule[] = [];
  for (const entry of entries) {
    const rule = parseEntry(entry);
    if (typeof rule === 'string') return { ok: false, problem: `'${entry}': ${rule}` };
    rules.push(rule);
  }
  return { ok: true, value: { trusts: remembered(rules), trustsAll: false } };
}

/** One entry, checked: an address, or a range when `bits` is set. */
interface Rule {
  address: string;
  type: 'ipv4' | 'ipv6';
  bits: number | undefined;
}

/** Enough for every proxy and then some; a flood of distinct peers only empties it now and then. */
const REMEMBERED_PEERS = 1024;

/**
 * BlockList.check costs about 2 µs (a native SocketAddress per call), a lot per request; the
 * peers that send forwarded headers are a few proxies, so their answers are kept. The BlockList
 * itself is built on the first question: a worker asks only when a request carries forwarded
 * headers, and loading it (with SocketAddress) is a cost at every worker's start otherwise.
 */
function remembered(rules: readonly Rule[]): (address: string) => boolean {
  const known = new Map<string, boolean>();
  let blocks: BlockList | undefined;
  return (address) => {
    let trusted = known.get(address);
    if (trusted === undefined) {
      if (known.size >= REMEMBERED_PEERS) known.clear();
      blocks ??= blockListOf(rules);
      trusted = matches(blocks, address);
      known.set(address, trusted);
    }
    return trusted;
  };
}

function blockListOf(rules: readonly Rule[]): BlockList {
  const blocks = new BlockList();
  for (const { address, type, bits } of rules) {
    try {
      if (bits === undefined) blocks.addAddress(address, type);
      else blocks.addSubnet(address, bits, type);
    } catch {
      // The URL parser took it and the native one does not: trust nobody by it, not everyone.
    }
  }
  return blocks;
}

const NOT_AN_ADDRESS = 'not an IP address or CIDR range';

function parseEntry(entry: string): Rule | string {
  const [address = '', prefix, ...rest] = entry.split('/');
  const type = familyOf(address);
  if (type === undefined || rest.length > 0) return NOT_AN_ADDRESS;
  if (type === 'ipv6' && !isIPv6Address(address)) return NOT_AN_ADDRESS;
  const bits = prefix === undefined ? undefined : prefixLength(prefix);
  const most = type === 'ipv4' ? 32 : 128;
  if (bits !== undefined && !(bits >= 0 && bits <= most)) {
    return `the prefix length must be 0 to ${most}`;
  }
  return { address, type, bits };
}

/**
 * An IPv6 address, with an optional zone (`fe80::1%eth0`), checked by the URL parser rather
 * than Node's isIPv6, whose regular expression takes 6-12 ms to compile, paid by every worker
 * at boot.
 */
function isIPv6Address(address: string): boolean {
  const [host = '', zone, ...more] = address.split('%');
  if (more.length > 0 || (zone !== undefined && !/^[0-9A-Za-z_.-]+$/.test(zone))) return false;
  try {
    return new URL(`http://[${host}]/`).hostname !== '';
  } catch {
    return false;
  }
}

function prefixLength(text: string): number {
  return /^[0-9]{1,3}$/.test(text) ? Number(text) : NaN;
}

/** IPv4 by the pattern, IPv6 by its colon (checked further by the caller), else nothing. */
function familyOf(address: string): 'ipv4' | 'ipv6' | undefined {
  if (address.includes(':')) return 'ipv6';
  return isIPv4(address) ? 'ipv4' : undefined;
}

function matches(blocks: BlockList, address: string): boolean {
  const type = familyOf(address);
  if (type === undefined) return false;
  // BlockList matches an IPv4-mapped IPv6 address (a dual-stack socket's view of an IPv4 peer)
  // against IPv4 rules itself; anything that is not an IP address is never trusted.
  try {
    return blocks.check(address, type);
  } catch {
    return false;
  }
}
