import test from 'ava';
import { UsageError } from '../../errors.ts';
import {
  checkAddress,
  formatAddress,
  parseAddress,
  type ParsedAddress,
} from '../../settings/parse-address.ts';

const accepted: [string, ParsedAddress][] = [
  ['127.0.0.1:8080', { kind: 'tcp', host: '127.0.0.1', port: 8080, family: 4 }],
  ['0.0.0.0:0', { kind: 'tcp', host: '0.0.0.0', port: 0, family: 4 }],
  ['localhost:3000', { kind: 'tcp', host: 'localhost', port: 3000, family: 4 }],
  ['Example.COM:80', { kind: 'tcp', host: 'example.com', port: 80, family: 4 }],
  ['127.0.0.1', { kind: 'tcp', host: '127.0.0.1', port: 8000, family: 4 }],
  ['localhost', { kind: 'tcp', host: 'localhost', port: 8000, family: 4 }],
  [':9000', { kind: 'tcp', host: '0.0.0.0', port: 9000, family: 4 }],
  ['[::1]:8080', { kind: 'tcp', host: '::1', port: 8080, family: 6 }],
  ['[::]:65535', { kind: 'tcp', host: '::', port: 65535, family: 6 }],
  ['[::1]', { kind: 'tcp', host: '::1', port: 8000, family: 6 }],
  ['::1', { kind: 'tcp', host: '::1', port: 8000, family: 6 }],
  ['tcp://127.0.0.1:5000', { kind: 'tcp', host: '127.0.0.1', port: 5000, family: 4 }],
  ['unix:/run/app.sock', { kind: 'unix', path: '/run/app.sock' }],
  ['unix:///run/app.sock', { kind: 'unix', path: '/run/app.sock' }],
  ['unix://relative.sock', { kind: 'unix', path: 'relative.sock' }],
  ['unix:app.sock', { kind: 'unix', path: 'app.sock' }],
  ['fd://3', { kind: 'fd', fd: 3 }],
  ['FD://0', { kind: 'fd', fd: 0 }],
  ['fd://2147483647', { kind: 'fd', fd: 2147483647 }],
];

for (const [text, expected] of accepted) {
  test(`accepts ${text}`, (t) => {
    t.deepEqual(parseAddress(text), expected);
  });
}

const refused: [string, RegExp][] = [
  ['nonsense:99999', /port 99999 is out of range 0-65535/],
  ['127.0.0.1:http', /port 'http' is not a number/],
  ['127.0.0.1:', /the port is empty/],
  [':', /the port is empty/],
  ['', /the host is empty/],
  ['[::1:8000', /missing '\]'/],
  ['::1]:8000', /unexpected '\]'/],
  ['[127.0.0.1]:80', /not an IPv6 address/],
  ['[::1]:x', /port 'x' is not a number/],
  ['a:b:c', /too many ':'; write IPv6 addresses in brackets/],
  ['999.1.1.1:80', /'999.1.1.1' is not an IPv4 address/],
  ['8000', /write ':8000'/],
  ['bad_host!:80', /'bad_host!' is not a valid host name/],
  ['unix:', /the unix socket path is empty/],
  ['unix://', /the unix socket path is empty/],
  [`unix:/${'x'.repeat(120)}`, /121 bytes long; the limit is 107/],
  ['fd://', /the file descriptor number is empty/],
  ['fd://-1', /'-1' is not a file descriptor number/],
  ['fd://3x', /'3x' is not a file descriptor number/],
  ['fd://1.5', /'1.5' is not a file descriptor number/],
  ['fd:// 3', /' 3' is not a file descriptor number/],
  ['fd://2147483648', /file descriptor 2147483648 is out of range 0-2147483647/],
];

for (const [text, reason] of refused) {
  test(`refuses '${text.slice(0, 30)}'`, (t) => {
    const error = t.throws(() => parseAddress(text), { instanceOf: UsageError });
    t.regex(error.message, reason);
    t.true(error.message.startsWith(`invalid bind address '${text}': `));
    t.false(error.message.includes('\n'));
    t.like(checkAddress(text), { ok: false });
  });
}

test('formatAddress writes an address back the way it is written on the command line', (t) => {
  t.is(formatAddress(parseAddress('127.0.0.1:80')), '127.0.0.1:80');
  t.is(formatAddress(parseAddress('[::1]:0')), '[::1]:0');
  t.is(formatAddress(parseAddress('::1')), '[::1]:8000');
  t.is(formatAddress(parseAddress('unix:///run/a.sock')), 'unix:/run/a.sock');
  t.is(formatAddress(parseAddress('FD://7')), 'fd://7');
});
