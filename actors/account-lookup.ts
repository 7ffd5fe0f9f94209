/**
 * Looks up a user or group by name or numeric id, as `--user` and `--group` give them.
 *
 * Node has no getpwnam, so this asks `getent`, which goes through the system's name service
 * (NSS: LDAP, sssd and systemd's dynamic users included, not only /etc/passwd) and accepts a
 * name or an id alike. Where there is no getent (a slim image), /etc/passwd and /etc/group are
 * read instead; both speak the same colon-separated line format.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface UserAccount {
  name: string;
  uid: number;
  /** The user's primary group. */
  gid: number;
}

export interface GroupAccount {
  name: string;
  gid: number;
}

/** Where accounts are looked up; a spec passes a fake. */
export interface AccountLookup {
  user(key: string): UserAccount | undefined;
  group(key: string): GroupAccount | undefined;
}

/**
 * The system's accounts.
 *
 * @example
 * systemAccounts.user('nobody'); // { name: 'nobody', uid: 65534, gid: 65534 }
 */
export const systemAccounts: AccountLookup = {
  user(key) {
    const fields = lookUp('passwd', key);
    if (fields === undefined) return undefined;
    const [name = '', , uid, gid = ''] = fields;
    return /^\d+$/.test(gid) ? { name, uid: Number(uid), gid: Number(gid) } : undefined;
  },
  group(key) {
    const fields = lookUp('group', key);
    if (fields === undefined) return undefined;
    const [name = '', , gid] = fields;
    return { name, gid: Number(gid) };
  },
};

/** The entry's fields (`name:x:id:...`), or undefined when there is no such account. */
function lookUp(database: 'passwd' | 'group', key: string): string[] | undefined {
  // getent would read a leading '-' as an option; no account name starts with one.
  if (key.startsWith('-')) return undefined;
  let text: string;
  try {
    text = execFileSync('getent', [database, key], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (error) {
    // getent exits 2 for "no such entry"; only a missing getent falls back to the file.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
    return findInFile(`/etc/${database}`, key);
  }
  return wellFormed(text.split('\n')[0]?.split(':'));
}

function findInFile(path: string, key: string): string[] | undefined {
  const numeric = /^\d+$/.test(key);
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const fields = line.split(':');
    if (fields[0] === key || (numeric && fields[2] === key)) return wellFormed(fields);
  }
  return undefined;
}

/** At least name, password and a numeric id: anything else is not an entry. */
function wellFormed(fields: string[] | undefined): string[] | undefined {
  return fields !== undefined && fields.length >= 3 && /^\d+$/.test(fields[2] ?? '')
    ? fields
    : undefined;
}
