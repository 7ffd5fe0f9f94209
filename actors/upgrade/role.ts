/**
 * This master's part in a USR2 upgrade, kept by the composition root. A master can be both:
 *
 * - a **new master**, started by an old one with the handoff variables: it writes `PIDFILE.2`,
 *   refuses USR2 until it is promoted, and is promoted when the old master has exited
 *   (upgrade-promotion.ts): it then takes over `PIDFILE` and logs "Master has been promoted";
 * - an **old master**, which has started a new one that still runs.
 *
 * Either way another master may be serving on the same sockets, so on the way out this one
 * releases them instead of closing them: a unix socket file is left for the other master, as
 * Gunicorn unlinks only when no upgrade is under way.
 */
import { promotePidfile, removePidfile, upgradePidfilePath } from '../pidfile.ts';
import type { LogSink } from '../supervision-log.ts';
import type { Handoff } from './handoff.ts';
import { watchPromotion, type PromotionHost } from './promotion.ts';
import { isAlive } from '../process-alive.ts';

export interface UpgradeRole {
  /** The pid file to write at start: `PIDFILE`, or `PIDFILE.2` for a new master. */
  readonly startPidfile: string | undefined;
  /** A new master: starts watching for the old master's exit. */
  watch(host?: PromotionHost): void;
  /** Why USR2 may not start an upgrade now, or null. */
  refusal(): string | null;
  /** Follows the new master this one started: its pid while it runs, null once it has exited. */
  setSuccessor(pid: number | null): void;
  /** A new master not promoted yet: the old master's pid; otherwise null. */
  oldMaster(): number | null;
  /** Called once this new master is promoted (systemd-notify.ts then claims the main pid). */
  onPromoted(listener: () => void): void;
  /** Whether another master may still serve on the sockets (then release them, not close them). */
  sharesSockets(): boolean;
  /** Stops the watch and removes the pid files that still name this master. */
  finish(): void;
}

/**
 * @example
 * const role = createUpgradeRole({ handoff: takeHandoff(process.env), pidfile: settings.pid, log });
 * writePidfile(role.startPidfile, process.pid);
 * role.watch();
 */
export function createUpgradeRole(options: {
  handoff: Handoff | null;
  pidfile: string | undefined;
  log: LogSink;
}): UpgradeRole {
  const { pidfile, log } = options;
  let oldMaster = options.handoff?.from ?? null;
  let successor: number | null = null;
  let stopWatch = () => undefined as void;
  const promoted: Array<() => void> = [];
  const promote = () => {
    oldMaster = null;
    log.info(`Master has been promoted (pid: ${process.pid}); the old master has exited`);
    for (const listener of promoted) listener();
    if (pidfile === undefined) return;
    try {
      promotePidfile(pidfile, process.pid);
    } catch (error) {
      log.error(`Could not take over the pid file: ${(error as Error).message}`);
    }
  };
  return {
    startPidfile:
      pidfile !== undefined && oldMaster !== null ? upgradePidfilePath(pidfile) : pidfile,
    watch(host) {
      if (oldMaster === null) return;
      stopWatch = watchPromotion({ from: oldMaster, onPromoted: promote, host });
    },
    refusal: () =>
      oldMaster === null
        ? null
        : `refused: this master (pid ${process.pid}) is a new master not promoted yet; its old master (pid ${oldMaster}) still runs. Stop the old master (TERM) first, or roll back`,
    setSuccessor(pid) {
      successor = pid;
    },
    oldMaster: () => oldMaster,
    onPromoted(listener) {
      promoted.push(listener);
    },
    sharesSockets: () => oldMaster !== null || (successor !== null && isAlive(successor)),
    finish() {
      stopWatch();
      if (pidfile !== undefined) removePidfile(upgradePidfilePath(pidfile), process.pid);
    },
  };
}
