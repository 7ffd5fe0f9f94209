import test from 'ava';
import { systemAccounts } from '../../actors/account-lookup.ts';

test('users and groups are found by name and by id', (t) => {
  t.deepEqual(systemAccounts.user('root'), { name: 'root', uid: 0, gid: 0 });
  t.deepEqual(systemAccounts.user('0'), { name: 'root', uid: 0, gid: 0 });
  t.deepEqual(systemAccounts.group('root'), { name: 'root', gid: 0 });
  t.deepEqual(systemAccounts.group('0'), { name: 'root', gid: 0 });
});

test('an unknown name, or one getent would read as an option, is undefined', (t) => {
  t.is(systemAccounts.user('no-such-user-for-corral'), undefined);
  t.is(systemAccounts.group('no-such-group-for-corral'), undefined);
  t.is(systemAccounts.user('--help'), undefined);
});

test('without getent on the PATH, /etc/passwd and /etc/group are read', (t) => {
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  t.teardown(() => (process.env.PATH = path));
  t.like(systemAccounts.user('65534'), { name: 'nobody', uid: 65534 });
  t.deepEqual(systemAccounts.user('root'), { name: 'root', uid: 0, gid: 0 });
  t.deepEqual(systemAccounts.group('0'), { name: 'root', gid: 0 });
  t.is(systemAccounts.user('no-such-user-for-corral'), undefined);
});
