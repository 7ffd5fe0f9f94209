import test from 'ava';
import { IdentityError } from '../../errors.ts';
import type { AccountLookup } from '../../actors/account-lookup.ts';
import { resolveWorkerIdentity } from '../../actors/worker-identity.ts';

const accounts: AccountLookup = {
  user: (key) => (key === 'www' || key === '33' ? { name: 'www', uid: 33, gid: 33 } : undefined),
  group: (key) => (key === 'web' || key === '50' ? { name: 'web', gid: 50 } : undefined),
};
const root = { uid: 0, gid: 0 };
const alice = { uid: 1000, gid: 1000 };

test('no user or group: the workers keep the master’s identity', (t) => {
  t.is(resolveWorkerIdentity({ user: undefined, group: undefined }, accounts, root), undefined);
});

test('a user by name or id brings its primary group and its name (for initgroups)', (t) => {
  const expected = { uid: 33, gid: 33, user: 'www' };
  t.deepEqual(resolveWorkerIdentity({ user: 'www', group: undefined }, accounts, root), expected);
  t.deepEqual(resolveWorkerIdentity({ user: '33', group: undefined }, accounts, root), expected);
});

test('a group overrides the user’s primary group', (t) => {
  t.deepEqual(resolveWorkerIdentity({ user: 'www', group: 'web' }, accounts, root), {
    uid: 33,
    gid: 50,
    user: 'www',
  });
});

test('a group alone keeps the master’s uid and is the only group', (t) => {
  t.deepEqual(resolveWorkerIdentity({ user: undefined, group: 'web' }, accounts, root), {
    uid: 0,
    gid: 50,
    user: undefined,
  });
});

test('numeric ids with no account are taken as they are', (t) => {
  t.deepEqual(resolveWorkerIdentity({ user: '1234', group: undefined }, accounts, root), {
    uid: 1234,
    gid: 0,
    user: undefined,
  });
  t.deepEqual(resolveWorkerIdentity({ user: '1234', group: '99' }, accounts, root), {
    uid: 1234,
    gid: 99,
    user: undefined,
  });
});

test('an unknown name is an IdentityError naming it', (t) => {
  const user = t.throws(
    () => resolveWorkerIdentity({ user: 'ghost', group: undefined }, accounts, root),
    { instanceOf: IdentityError },
  );
  t.is(user?.message, "cannot run the workers as user 'ghost': no such user (--user)");
  t.is(user?.exitCode, 1);
  const group = t.throws(
    () => resolveWorkerIdentity({ user: 'www', group: 'ghosts' }, accounts, root),
    { instanceOf: IdentityError },
  );
  t.is(group?.message, "cannot run the workers as group 'ghosts': no such group (--group)");
});

test('a master that is not root cannot switch, and says so', (t) => {
  const error = t.throws(
    () => resolveWorkerIdentity({ user: 'www', group: undefined }, accounts, alice),
    { instanceOf: IdentityError },
  );
  t.regex(error?.message ?? '', /user 'www'.*runs as uid 1000.*only root/);
});

test('a master that is not root may name its own user and group: nothing to switch', (t) => {
  t.is(resolveWorkerIdentity({ user: '1000', group: '1000' }, accounts, alice), undefined);
});
