/**
 * `--user` / `--group`: the worker switches to the identity the master resolved, before the
 * app loads, so no app code ever runs as root.
 *
 * The worker does this itself rather than being forked with `fork({ uid, gid })`: libuv's
 * setuid path calls `setgroups(0)` in the child, which leaves the worker with no supplementary
 * groups, and a process that is no longer root cannot call initgroups to get them back. Here the
 * order is the one that works: the groups first (which needs root), then the gid, then the uid
 * (after which nothing else may be changed). glibc applies each call to every thread.
 */
import { ExitCode } from '../../protocol/exit-codes.ts';
import type { WorkerIdentity } from '../../protocol/worker-boot.ts';
import { flushToMaster } from './master-channel.ts';

/**
 * Switches this process to `identity`; throws (EPERM) when the process may not.
 *
 * @example
 * dropPrivileges({ uid: 65534, gid: 65534, user: 'nobody' });
 */
export function dropPrivileges(identity: WorkerIdentity | undefined): void {
  if (identity === undefined) return;
  const { initgroups, setgroups, setgid, setuid } = process as PosixProcess;
  if (!initgroups || !setgroups || !setgid || !setuid) {
    throw new Error('switching user needs a POSIX system');
  }
  if (identity.user !== undefined) initgroups(identity.user, identity.gid);
  else setgroups([identity.gid]);
  setgid(identity.gid);
  setuid(identity.uid);
}

// @types/node 20 leaves out process.initgroups, which Node has had on POSIX systems since 0.9.
type PosixProcess = NodeJS.Process & {
  initgroups?: (user: string | number, extraGroup: string | number) => void;
};

/**
 * As {@link dropPrivileges}, but a worker that cannot switch never boots: it reports
 * `boot-failed` (exit 3), so the master stops instead of forking it again and again.
 *
 * @example
 * await dropPrivilegesOrExit(config.identity);
 */
export async function dropPrivilegesOrExit(identity: WorkerIdentity | undefined): Promise<void> {
  try {
    dropPrivileges(identity);
  } catch (error) {
    const who = `uid ${identity?.uid ?? '?'}, gid ${identity?.gid ?? '?'}`;
    const reason = `cannot switch to ${who}: ${(error as Error).message}`;
    await flushToMaster({ act: 'boot-failed', exitCode: ExitCode.WorkerBootError, reason });
    process.exit(ExitCode.WorkerBootError);
  }
}
