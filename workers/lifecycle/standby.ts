/**
 * A standby worker's wait (`--standby`): booted with the app loaded and listening with accept
 * stopped, it tells the master it is held (`standby`) and starts accepting only when the master
 * sends `promote`, so that replacing a worker costs a message and a `readStart` instead of a
 * fork and an app load.
 *
 * While it waits its listening handles are out of its event loop (the accept gate is closed),
 * so the kernel gives every connection to the serving workers. Before it says it is held it runs
 * a few requests of its own through Node's HTTP server (request-path-warmup.ts), so that the
 * first requests after a promotion do not pay for cold code. Its heartbeat runs as in any
 * worker and the master watches it; a stop signal ends it as it ends a worker that is still
 * booting (worker-stop.ts).
 */
import { isMasterMessage } from '../../protocol/ipc-messages.ts';
import type { WorkerBootConfig } from '../../protocol/worker-boot.ts';
import { postToMaster } from './master-channel.ts';
import { warmRequestPath } from '../serving/request-path-warmup.ts';
import type { StallWatchdog } from '../stall/watchdog.ts';

/**
 * The worker class's `hold` for a standby (undefined for any other worker): called once the
 * class listens with accept stopped, it resolves once the master promotes the standby.
 *
 * @example
 * const hold = standbyHold(config, watchdog);
 * await workerClasses[config.workerClass].serve({ config, listener, log, hold });
 */
export function standbyHold(
  config: Pick<WorkerBootConfig, 'standby'>,
  watchdog: Pick<StallWatchdog, 'serving'>,
): (() => Promise<void>) | undefined {
  if (config.standby !== true) return undefined;
  return () => holdUntilPromoted(watchdog);
}

async function holdUntilPromoted(watchdog: Pick<StallWatchdog, 'serving'>): Promise<void> {
  // The boot is over: from now on a stall counts against `timeout`, as the master's watch does.
  watchdog.serving();
  // Before it says it is held, so that the master never promotes a standby that is still cold.
  await warmRequestPath();
  return new Promise<void>((resolve) => {
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
