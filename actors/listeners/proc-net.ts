/**
 * What Linux's /proc/net tables say about a socket, found by its inode (`fstat(fd).ino`). Node
 * offers no getsockname for a unix socket handle and no getsockopt(SO_TYPE) at all, so this is
 * how the master learns the path of an inherited unix socket, whether it is connected, and what
 * kind of socket an fd that libuv refused is, to say so. Every function returns undefined (or
 * false) when /proc cannot tell: callers then go on with less detail, never fail because of it.
 */
import { readFileSync } from 'node:fs';

/** One row of /proc/net/unix. */
export interface UnixSocketRow {
  type: 'stream' | 'datagram' | 'seqpacket' | 'unknown';
  /** A socket accepting connections (`__SO_ACCEPTCON` in its flags). */
  listening: boolean;
  /** Connected to a peer: an accepted connection or one end of a socketpair. */
  connected: boolean;
  /** The bound path; `@name` for an abstract socket; undefined when not bound. */
  path: string | undefined;
}

const ACCEPTCON = 0x10000;
const SS_CONNECTED = 3;
const TYPES: Record<number, UnixSocketRow['type']> = { 1: 'stream', 2: 'datagram', 5: 'seqpacket' };

/**
 * The unix socket with this inode, or undefined when there is none (or /proc is not there).
 *
 * @example
 * unixSocketRow(fstatSync(4).ino); // { type: 'stream', listening: true, path: '/run/app.sock', ... }
 */
export function unixSocketRow(inode: number): UnixSocketRow | undefined {
  for (const line of readTable('/proc/net/unix')) {
    // Num RefCount Protocol Flags Type St Inode [Path]; a path may contain spaces.
    const fields = line.trim().split(/\s+/);
    if (Number(fields[6]) !== inode) continue;
    const flags = parseInt(fields[3] ?? '0', 16);
    const path = fields.slice(7).join(' ');
    return {
      type: TYPES[parseInt(fields[4] ?? '0', 16)] ?? 'unknown',
      listening: (flags & ACCEPTCON) !== 0,
      connected: parseInt(fields[5] ?? '0', 16) === SS_CONNECTED,
      path: path === '' ? undefined : path,
    };
  }
  return undefined;
}

/**
 * Whether a UDP socket (IPv4 or IPv6) has this inode.
 *
 * @example
 * isUdpSocket(fstatSync(3).ino); // true for a socket systemd-socket-activate -d passed
 */
export function isUdpSocket(inode: number): boolean {
  return ['/proc/net/udp', '/proc/net/udp6'].some((table) =>
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
    readTable(table).some((line) => Number(line.trim().split(/\s+/)[9]) === inode),
  );
}

/** The rows of a /proc/net table without its header; none when it cannot be read. */
function readTable(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(1).filter(Boolean);
  } catch {
    return [];
  }
}
