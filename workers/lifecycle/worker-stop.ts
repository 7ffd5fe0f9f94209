/**
 * The three ways a worker stops, as the master asks for them (or stops asking):
 *
 * - graceful (SIGTERM): tell the master `stopping`, stop accepting, let in-flight responses
 *   finish, exit 0 when no connection is left. The master enforces the graceful timeout.
 * - quick (SIGQUIT, SIGINT): destroy every connection, exit 0.
 * - orphaned (the IPC channel closed: the master is gone): a graceful stop that nobody else will
 *   time out, so it is bounded here by `orphanGraceMs`. When the app closed the channel itself
 *   the master still runs but can no longer hear this worker: the exit code tells it why, and
 *   it replaces the worker.
 *
 * A stop that arrives while the app is still loading exits at once; `serving` then refuses the
 * late worker.
 */
import { ExitCode } from '../../protocol/exit-codes.ts';
import { flushToMaster } from './master-channel.ts';
import type { Serving } from '../classes/worker-class.ts';

export interface StopControl {
  /** Hands over the serving worker. Returns false if a stop came first (the worker is closed). */
  serving(serving: Serving): boolean;
  graceful(): void;
  quick(): void;
  /** `byApp`: this process closed the channel (`process.disconnect()`), not the master. */
  orphaned(byApp?: boolean): void;
}

export interface StopOptions {
  orphanGraceMs: number;
  exit(code: number): void;
}

type StopMode = 'graceful' | 'quick';

/**
 * Creates the stop control of one worker; the signal and IPC handlers call into it.
 *
 * @example
 * const stop = createStopControl({ orphanGraceMs: 5000, exit: (code) => process.exit(code) });
 * process.on('SIGTERM', stop.graceful);
 */
export function createStopControl(options: StopOptions): StopControl {
  let current: Serving | undefined;
  let mode: StopMode | undefined;
  let orphaned = false;
  const finish = (work: Promise<unknown>, code: number): void => {
    void work.then(() => options.exit(code));
  };
  return {
    serving(serving) {
      if (mode !== undefined || orphaned) {
        void serving.destroy();
        return false;
      }
      current = serving;
      return true;
    },
    graceful() {
      if (mode !== undefined || orphaned) return;
      mode = 'graceful';
      const told = flushToMaster({ act: 'stopping', inFlight: current?.inFlight() ?? 0 });
      finish(Promise.all([told, current?.drain()]), ExitCode.Ok);
    },
    quick() {
      if (mode === 'quick') return;
      mode = 'quick';
      finish(current?.destroy() ?? Promise.resolve(), ExitCode.Ok);
    },
    orphaned(byApp = false) {
      if (orphaned || mode === 'quick') return;
      orphaned = true;
      stopOrphaned(current, options, byApp);
    },
  };
}

/** A graceful stop that nobody will SIGKILL: cut whatever is still open once the grace is over. */
function stopOrphaned(current: Serving | undefined, options: StopOptions, byApp: boolean): void {
  let cut = false;
  const grace = setTimeout(() => {
    cut = true;
    void current?.destroy();
  }, options.orphanGraceMs);
  void (current?.drain() ?? Promise.resolve()).then(() => {
    clearTimeout(grace);
    if (byApp) options.exit(ExitCode.WorkerChannelClosed);
    else options.exit(cut ? ExitCode.Error : ExitCode.Ok);
  });
}
