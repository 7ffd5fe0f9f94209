/**
 * Tells systemd what the master is doing (`Type=notify` or `Type=notify-reload`; docs/systemd.md),
 * from what the arbiter emits:
 *
 * | arbiter                               | datagram                                           |
 * | ------------------------------------- | -------------------------------------------------- |
 * | `arbiter.ready` (first full set)      | `READY=1`, `MAINPID=`, `STATUS=`                   |
 * | `reload.started` (HUP)                | `RELOADING=1`, `MONOTONIC_USEC=`, `STATUS=`        |
 * | `reload.done`, `reload.failed`        | `READY=1`, `MAINPID=`, `STATUS=`                   |
 * | `arbiter.stopping`                    | `STOPPING=1`, `STATUS=`, or a main pid handover    |
 * | worker count, state (snapshot)        | `STATUS=`, at most once a second                   |
 * | `WATCHDOG_USEC` set                   | `WATCHDOG=1` every half of it                      |
 *
 * USR2 changes which process is the service's main one, so systemd must hear of it before the
 * master it knows exits: a new master claims `MAINPID=` once its workers are ready (and again
 * when promoted), and a master that stops while the other one goes on hands the main pid to it
 * instead of sending `STOPPING=1`, which would stop the whole service. That needs
 * `NotifyAccess=all`, since the new master is not the process systemd started.
 */
import type { ActorRefFrom } from 'xstate';
import type { ArbiterMachine } from '../../machines/arbiter-machine.ts';
import { openNotifySocket, type NotifySocket } from './notify-socket.ts';
import type { LogSink } from '../supervision-log.ts';
import { statusText, statusThrottle } from './status.ts';
import { startWatchdog } from './watchdog.ts';
import type { UpgradeRole } from '../upgrade/role.ts';
import { isAlive } from '../process-alive.ts';

export interface SystemdNotifyOptions {
  log: Pick<LogSink, 'warn'>;
  /** This master's part in an upgrade: whether an old master is still the main process. */
  role?: Pick<UpgradeRole, 'oldMaster' | 'onPromoted'>;
  /** `process.env` by default: NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID. */
  env?: NodeJS.ProcessEnv;
  pid?: number;
  /** Opened from `env` by default; null turns notification off. */
  socket?: NotifySocket | null;
  /** The shortest time between two `STATUS=` updates of their own. */
  statusIntervalMs?: number;
}

/**
 * Does nothing at all when NOTIFY_SOCKET is unset. Returns the function that detaches it.
 *
 * @example
 * const detach = attachSystemdNotify(actor, { log, role });
 */
export function attachSystemdNotify(
  actor: ActorRefFrom<ArbiterMachine>,
  options: SystemdNotifyOptions,
): () => void {
  const env = options.env ?? process.env;
  const socket =
    options.socket !== undefined ? options.socket : openNotifySocket({ ...options, env });
  if (socket === null) return () => undefined;
  const pid = options.pid ?? process.pid;
  const role = options.role;
  let ready = false;
  let successor: number | null = null;
  // Until the next HUP, STATUS says that the last reload was abandoned (the log says why).
  let abandoned: number | null = null;
  const describe = (snapshot = actor.getSnapshot()) => {
    const text = statusText(snapshot);
    return abandoned === null ? text : `${text}; the reload to generation ${abandoned} failed`;
  };
  // Once a new master runs, its STATUS is the one that matters; this one stays quiet.
  const status = statusThrottle((text) => {
    if (successor === null) socket.send(`STATUS=${text}`);
  }, options.statusIntervalMs ?? 1000);
  const send = (...lines: string[]) => {
    const text = describe();
    status.sent(text);
    socket.send([...lines, `STATUS=${text}`].join('\n'));
  };
  const nowReady = () => {
    ready = true;
    send('READY=1', `MAINPID=${pid}`);
  };
  const subscriptions = [
    actor.on('arbiter.ready', nowReady),
    actor.on('reload.started', () => {
      abandoned = null;
      send('RELOADING=1', `MONOTONIC_USEC=${monotonicUsec()}`);
    }),
    actor.on('reload.done', nowReady),
    actor.on('reload.failed', (event) => {
      abandoned = event.generation;
      nowReady();
    }),
    actor.on('arbiter.stopping', () => {
      // The old master may have exited a moment before this one heard of its promotion.
      const heir = [role?.oldMaster() ?? null, successor].find(
        (pid): pid is number => pid !== null && isAlive(pid),
      );
      if (heir === undefined) send('STOPPING=1');
      else socket.send(`MAINPID=${heir}`);
    }),
    actor.on('upgrade.started', (event) => (successor = event.pid)),
    actor.on('upgrade.exited', () => {
      const rolledBack = successor !== null;
      successor = null;
      // The new master may have claimed the main pid; this one is the main process again.
      if (rolledBack && ready) nowReady();
    }),
    actor.subscribe((snapshot) => status.update(describe(snapshot))),
  ];
  role?.onPromoted(() => (ready ? nowReady() : socket.send(`MAINPID=${pid}`)));
  const stopWatchdog = startWatchdog({ socket, env, pid, oldMaster: role?.oldMaster() });
  return () => {
    for (const subscription of subscriptions) subscription.unsubscribe();
    stopWatchdog();
    status.stop();
    socket.close();
  };
}

/**
 * CLOCK_MONOTONIC in microseconds, as systemd wants it with RELOADING=1. On Linux,
 * `process.hrtime` is libuv's `uv_hrtime`, which reads CLOCK_MONOTONIC.
 */
export function monotonicUsec(): bigint {
  return process.hrtime.bigint() / 1000n;
}
