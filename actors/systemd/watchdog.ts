/**
 * systemd's watchdog (`WatchdogSec=`): when systemd sets `WATCHDOG_USEC` for this process, ping
 * `WATCHDOG=1` every half of it. The pings come from a timer on the master's own event loop, so
 * a master whose loop is stuck stops pinging and systemd restarts the service; the timer is
 * unreferenced, so it never keeps a master from exiting.
 */
import type { NotifySocket } from './notify-socket.ts';

export interface WatchdogOptions {
  socket: Pick<NotifySocket, 'send'>;
  /** Where WATCHDOG_USEC and WATCHDOG_PID are read, and WATCHDOG_PID is claimed. */
  env: NodeJS.ProcessEnv;
  pid: number;
  /** After USR2: the old master, whose WATCHDOG_PID the new master inherits and takes over. */
  oldMaster?: number | null;
}

/**
 * Starts pinging if the watchdog is on and meant for this process; returns the stop function.
 *
 * @example
 * const stop = startWatchdog({ socket, env: process.env, pid: process.pid });
 */
export function startWatchdog(options: WatchdogOptions): () => void {
  const { env, pid } = options;
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isSafeInteger(usec) || usec <= 0) return () => undefined;
  const owner = env.WATCHDOG_PID;
  const ours =
    owner === undefined ||
    owner === '' ||
    Number(owner) === pid ||
    Number(owner) === options.oldMaster;
  if (!ours) return () => undefined;
  // A new master started by this one (USR2) inherits this environment and must see the
  // watchdog as its old master's, which it takes over.
  env.WATCHDOG_PID = String(pid);
  const ping = () => options.socket.send('WATCHDOG=1');
  ping();
  const timer = setInterval(ping, Math.max(1, Math.floor(usec / 2000)));
  timer.unref();
  return () => clearInterval(timer);
}
