import test from 'ava';
import { parseProxyHeader } from '../../../workers/proxy/proxy-protocol.ts';
import { proxyV2Header } from '../../helpers/proxy-header.ts';

const request = Buffer.from('GET / HTTP/1.1\r\n\r\n');

test('v1 TCP4: the source address and port, and the length of the line', (t) => {
  const line = 'PROXY TCP4 203.0.113.7 127.0.0.1 5555 80\r\n';
  t.deepEqual(parseProxyHeader(Buffer.concat([Buffer.from(line), request])), {
    state: 'done',
    length: line.length,
    source: { address: '203.0.113.7', port: 5555, family: 'IPv4' },
  });
});

test('v1 TCP6 and UNKNOWN', (t) => {
  t.like(parseProxyHeader(Buffer.from('PROXY TCP6 2001:db8::7 ::1 40000 443\r\n')), {
    state: 'done',
    source: { address: '2001:db8::7', port: 40000, family: 'IPv6' },
  });
  t.deepEqual(parseProxyHeader(Buffer.from('PROXY UNKNOWN ff 00 1 2\r\n')), {
    state: 'done',
    length: 25,
    source: undefined,
  });
});

test('v1: a partial line asks for more; a malformed one is invalid', (t) => {
  t.deepEqual(parseProxyHeader(Buffer.from('PRO')), { state: 'incomplete' });
  t.deepEqual(parseProxyHeader(Buffer.from('PROXY TCP4 1.2.3.4')), { state: 'incomplete' });
  for (const line of [
    'PROXY TCP4 1.2.3.4 5.6.7.8 80\r\n',
    'PROXY TCP4 ::1 ::1 1 2\r\n',
    'PROXY TCP4 1.2.3.4 5.6.7.8 70000 80\r\n',
    'PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n',
    'PROXY TCP4 1.2.3.4 5.6.7.8 1 2 extra\r\n',
  ]) {
    t.is(parseProxyHeader(Buffer.from(line)).state, 'invalid', line);
  }
  t.is(parseProxyHeader(Buffer.from(`PROXY ${'x'.repeat(200)}`)).state, 'invalid');
});

test('no header at all is invalid', (t) => {
  t.like(parseProxyHeader(request), { state: 'invalid' });
});

test('v2 PROXY over IPv4 and IPv6, with TLVs skipped', (t) => {
  const v4 = proxyV2Header({
    source: '198.51.100.20',
    port: 61000,
    tlvs: Buffer.from([1, 0, 2, 104, 50]),
  });
  t.deepEqual(parseProxyHeader(Buffer.concat([v4, request])), {
    state: 'done',
    length: v4.length,
    source: { address: '198.51.100.20', port: 61000, family: 'IPv4' },
  });
  const v6 = proxyV2Header({ source: '2001:db8::42', port: 443 });
  t.deepEqual(parseProxyHeader(v6), {
    state: 'done',
    length: v6.length,
    source: { address: '2001:db8::42', port: 443, family: 'IPv6' },
  });
});

test('v2 LOCAL and UNSPEC keep the peer; a short buffer asks for more', (t) => {
  t.like(parseProxyHeader(proxyV2Header({ command: 'local' })), {
    state: 'done',
    source: undefined,
  });
  const whole = proxyV2Header({ source: '198.51.100.20', port: 1 });
  for (const cut of [5, 12, 15, whole.length - 1]) {
    t.deepEqual(parseProxyHeader(whole.subarray(0, cut)), { state: 'incomplete' }, `cut at ${cut}`);
  }
});

test('v2 with a bad version, command or family is invalid', (t) => {
  const header = proxyV2Header({ source: '198.51.100.20', port: 1 });
  const withByte = (index: number, value: number) => {
    const copy = Buffer.from(header);
    copy[index] = value;
    return copy;
  };
  t.like(parseProxyHeader(withByte(12, 0x11)), { state: 'invalid' });
  t.like(parseProxyHeader(withByte(12, 0x22)), { state: 'invalid' });
  t.like(parseProxyHeader(withByte(13, 0x41)), { state: 'invalid' });
  // An IPv6 family with only an IPv4-sized address block.
  t.like(parseProxyHeader(withByte(13, 0x21)), { state: 'invalid' });
});
