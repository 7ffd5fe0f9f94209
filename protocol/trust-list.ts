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
  const blocks = new BlockList();
  for (const entry of entries) {
    const problem = addEntry(blocks, entry);
    if (problem !== undefined) return { ok: false, problem: `'${entry}': ${problem}` };
  }
  return { ok: true, value: { trusts: remembered(blocks), trustsAll: false } };
}

/** Enough for every proxy and then some; a flood of distinct peers only empties it now and then. */
const REMEMBERED_PEERS = 1024;

/**
 * BlockList.check costs about 2 µs (a native SocketAddress per call), a lot per request; the
 * peers that send forwarded headers are a few proxies, so their answers are kept.
 */
function remembered(blocks: BlockList): (address: string) => boolean {
  const known = new Map<string, boolean>();
  return (address) => {
    let trusted = known.get(address);
    if (trusted === undefined) {
      if (known.size >= REMEMBERED_PEERS) known.clear();
      trusted = matches(blocks, address);
      known.set(address, trusted);
    }
    return trusted;
  };
}

const NOT_AN_ADDRESS = 'not an IP address or CIDR range';

function addEntry(blocks: BlockList, entry: string): string | undefined {
  const [address = '', prefix, ...rest] = entry.split('/');
  const type = familyOf(address);
  if (type === undefined || rest.length > 0) return NOT_AN_ADDRESS;
  const bits = prefix === undefined ? undefined : prefixLength(prefix);
  const most = type === 'ipv4' ? 32 : 128;
  if (bits !== undefined && !(bits >= 0 && bits <= most)) {
    return `the prefix length must be 0 to ${most}`;
  }
  try {
    if (bits === undefined) blocks.addAddress(address, type);
    else blocks.addSubnet(address, bits, type);
  } catch {
    // An IPv6 address is checked here, by the native parser, rather than with Node's isIPv6:
    // its regular expression takes 6-12 ms to compile, paid by every worker at boot.
    return NOT_AN_ADDRESS;
  }
  return undefined;
}

function prefixLength(text: string): number {
  return /^[0-9]{1,3}$/.test(text) ? Number(text) : NaN;
}

/** IPv4 by the pattern, IPv6 by its colon (the native parser then decides), else nothing. */
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
