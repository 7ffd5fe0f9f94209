/**
 * Builds PROXY protocol v2 headers byte by byte, as HAProxy writes them, for the specs.
 *
 * @example
 * socket.write(Buffer.concat([proxyV2Header({ source: '203.0.113.7', port: 5555 }), request]));
 */
import { isIPv4 } from 'node:net';

export interface V2Options {
  /** `proxy` (the default) relays a client; `local` is the proxy's own health check. */
  command?: 'proxy' | 'local';
  /** The client's address (IPv4 or IPv6) and port; omitted for an UNSPEC header. */
  source?: string;
  port?: number;
  /** Type-length-value records after the addresses, which the reader must skip. */
  tlvs?: Buffer;
}

const SIGNATURE = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');

/**
 * A complete v2 header; the destination is the loopback address of the same family, port 80.
 *
 * @example
 * proxyV2Header({ command: 'local' });
 */
export function proxyV2Header(options: V2Options = {}): Buffer {
  const source = options.source;
  const ipv4 = source === undefined || isIPv4(source);
  const addresses =
    source === undefined
      ? Buffer.alloc(0)
      : Buffer.concat([
          addressBytes(source),
          addressBytes(ipv4 ? '127.0.0.1' : '::1'),
          port(options.port ?? 0),
          port(80),
        ]);
  const body = Buffer.concat([addresses, options.tlvs ?? Buffer.alloc(0)]);
  const family = source === undefined ? 0x00 : ipv4 ? 0x11 : 0x21;
  const fixed = Buffer.from([options.command === 'local' ? 0x20 : 0x21, family, 0, 0]);
  fixed.writeUInt16BE(body.length, 2);
  return Buffer.concat([SIGNATURE, fixed, body]);
}

function port(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value);
  return bytes;
}

function addressBytes(address: string): Buffer {
  if (isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  const [head = '', tail = ''] = address.split('::');
  const groups = (text: string) => (text === '' ? [] : text.split(':'));
  const left = groups(head);
  const right = groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}
