/**
 * `--user` / `--group`, resolved in the master when it starts (and again on HUP): names become
 * ids here, once, so a mistake is an error before anything is bound or written, and the workers
 * only switch to the ids they are given (workers/lifecycle/drop-privileges.ts).
 *
 * A numeric id with no account is accepted, as containers often run with an arbitrary uid; such
 * a user has no supplementary groups and, without `--group`, keeps the master's group.
 */
import { IdentityError } from '../errors.ts';
import type { WorkerIdentity } from '../protocol/worker-boot.ts';
import type { Settings } from '../settings/settings.ts';
import { systemAccounts, type AccountLookup } from './account-lookup.ts';

/** The master's own effective ids. */
export interface ProcessIds {
  uid: number;
  gid: number;
}

/**
 * The identity the workers switch to, or undefined when they keep the master's.
 *
 * @throws {IdentityError} for an unknown user or group, or when a master that is not root
 *   would have to switch
 * @example
 * resolveWorkerIdentity({ user: 'nobody', group: undefined });
 * // { uid: 65534, gid: 65534, user: 'nobody' } when the master is root
 */
export function resolveWorkerIdentity(
  settings: Pick<Settings, 'user' | 'group'>,
  accounts: AccountLookup = systemAccounts,
  self: ProcessIds = ownIds(),
): WorkerIdentity | undefined {
  if (settings.user === undefined && settings.group === undefined) return undefined;
  const user = settings.user === undefined ? undefined : userOf(settings.user, accounts);
  const gid =
    settings.group === undefined ? (user?.gid ?? self.gid) : gidOf(settings.group, accounts);
  const identity = { uid: user?.uid ?? self.uid, gid, user: user?.name };
  if (self.uid === 0) return identity;
  if (identity.uid === self.uid && identity.gid === self.gid) return undefined;
  const wanted = [
    settings.user === undefined ? '' : `user '${settings.user}'`,
    settings.group === undefined ? '' : `group '${settings.group}'`,
  ].filter(Boolean);
  throw new IdentityError(
    `cannot run the workers as ${wanted.join(' and ')}: the master runs as uid ${self.uid}, and only root can switch to another user or group`,
  );
}

function userOf(key: string, accounts: AccountLookup) {
  const account = accounts.user(key);
  if (account !== undefined) return account;
  if (isId(key)) return { uid: Number(key), gid: undefined, name: undefined };
  throw new IdentityError(`cannot run the workers as user '${key}': no such user (--user)`);
}

function gidOf(key: string, accounts: AccountLookup): number {
  const account = accounts.group(key);
  if (account !== undefined) return account.gid;
  if (isId(key)) return Number(key);
  throw new IdentityError(`cannot run the workers as group '${key}': no such group (--group)`);
}

/** A plain id; 2³² − 1 is (uid_t) −1, which set*id(2) read as "leave unchanged". */
function isId(key: string): boolean {
  return /^\d+$/.test(key) && Number(key) < 2 ** 32 - 1;
}

function ownIds(): ProcessIds {
  return { uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0 };
}
