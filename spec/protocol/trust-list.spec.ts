import test from 'ava';
import { parseTrustList, type TrustList } from '../../protocol/trust-list.ts';
import { trustList } from '../../settings/setting-validators.ts';

function parsed(text: string): TrustList {
  const result = parseTrustList(text);
  if (!result.ok) throw new Error(result.problem);
  return result.value;
}

test('single addresses, IPv4 and IPv6', (t) => {
  const list = parsed('127.0.0.1, ::1');
  t.true(list.trusts('127.0.0.1'));
  t.true(list.trusts('::1'));
  t.false(list.trusts('127.0.0.2'));
  t.false(list.trusts('::2'));
  t.false(list.trustsAll);
});

test('CIDR ranges, IPv4 and IPv6', (t) => {
  const list = parsed('10.0.0.0/8,fd00::/8');
  t.true(list.trusts('10.255.1.2'));
  t.false(list.trusts('11.0.0.1'));
  t.true(list.trusts('fd12:3456::1'));
  t.false(list.trusts('fe80::1'));
});

test("an IPv4-mapped IPv6 address (a dual-stack socket's view) matches its IPv4 entry", (t) => {
  const list = parsed('127.0.0.1,192.168.0.0/16');
  t.true(list.trusts('::ffff:127.0.0.1'));
  t.true(list.trusts('::ffff:192.168.4.5'));
  t.false(list.trusts('::ffff:10.0.0.1'));
});

test('* trusts every peer', (t) => {
  const list = parsed('*');
  t.true(list.trustsAll);
  t.true(list.trusts('203.0.113.9'));
});

test('what is not an address is never trusted', (t) => {
  t.false(parsed('127.0.0.1').trusts('localhost'));
  t.false(parsed('127.0.0.1').trusts(''));
});

test('bad entries are named', (t) => {
  for (const [text, problem] of [
    ['10.0.0.0/33', /'10\.0\.0\.0\/33'.*0 to 32/],
    ['::/129', /0 to 128/],
    ['localhost', /'localhost'.*not an IP address/],
    ['10.0.0.1/8/8', /not an IP address/],
    ['10.0.0.0/x', /prefix length/],
  ] as const) {
    const result = parseTrustList(text);
    t.false(result.ok, text);
    if (!result.ok) t.regex(result.problem, problem);
  }
});

test('the settings validator takes the same lists and refuses the same entries', (t) => {
  t.deepEqual(trustList('127.0.0.1,::1'), { ok: true, value: '127.0.0.1,::1' });
  t.deepEqual(trustList('*'), { ok: true, value: '*' });
  const bad = trustList('10.0.0.0/33');
  t.false(bad.ok);
  if (!bad.ok) t.regex(bad.problem, /^expects addresses, CIDR ranges or \*, got '10\.0\.0\.0\/33'/);
  t.false(trustList('').ok);
});
