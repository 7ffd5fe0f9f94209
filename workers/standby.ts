/**
 * A standby worker's wait (`--standby`): booted with the app loaded, it tells the master it is
 * held (`standby`) and starts serving only when the master sends `promote`, so that replacing a
 * worker costs a message and a `listen` instead of a fork and an app load.
 *
 * While it waits it has not called `listen` on the inherited sockets, so the kernel gives it no
 * connection. Its heartbeat runs as in any worker and the master watches it; a stop signal
 * ends it as it ends a worker that is still booting (worker-stop.ts).
 */
import { isMasterMessage } from '../protocol/ipc-messages.ts';
import type { WorkerBootConfig } from '../protocol/worker-boot.ts';
import { postToMaster } from './master-channel.ts';
import type { StallWatchdog } from './stall/watchdog.ts';

/**
 * Resolves at once for a worker that is not a standby; for a standby, once it is promoted.
 *
 * @example
 * await holdAsStandby(config, watchdog);
 * await workerClasses[config.workerClass].serve({ config, listener, log, onResponseClosed });
 */
export async function holdAsStandby(
  config: Pick<WorkerBootConfig, 'standby'>,
  watchdog: Pick<StallWatchdog, 'serving'>,
): Promise<void> {
  if (config.standby !== true) return;
  // The boot is over: from now on a stall counts against `timeout`, as the master's watch does.
  watchdog.serving();
  await new Promise<void>((resolve) => {
    const onMessage = (message: unknown) => {
      if (!isMasterMessage(message) || message.act !== 'promote') return;
      process.off('message', onMessage);
      // As worker-log.ts leaves it: the listening sockets keep a serving worker alive.
      process.channel?.unref();
      resolve();
    };
    process.on('message', onMessage);
    // Nothing else keeps a held standby alive (worker-log.ts unrefs the channel): the wait for
    // the master's word does, until the master says it or is gone.
    process.channel?.ref();
    postToMaster({ act: 'standby' });
  });
}
