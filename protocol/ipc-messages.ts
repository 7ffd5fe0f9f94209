/**
 * The IPC between the master and a worker: small plain-JSON messages over the channel that
 * `child_process.fork` opens, one discriminated union each way.
 *
 * Stopping is not a message: the master signals the worker (TERM graceful, QUIT/INT quick,
 * ABRT timeout, KILL last resort), because a signal still arrives when the channel is jammed.
 *
 * @example
 * process.send?.({ act: 'ready' } satisfies WorkerMessage);
 */

import type { WorkerStats } from './worker-stats.ts';

/** Worker to master. */
export type WorkerMessage =
  /** The app module loaded and has a usable export; the worker is not serving yet. */
  | { act: 'booted' }
  /**
   * A worker started as a standby (`standby` in its boot config) is booted and held: it does
   * not listen until the master sends `promote`.
   */
  | { act: 'standby' }
  /** The worker listens on every inherited socket and takes connections. */
  | { act: 'ready' }
  /**
   * Sent from a timer on the worker's main event loop: a blocked loop stops beating. Carries the
   * worker's request counts when the master asked for them (`stats` in the boot config).
   */
  | { act: 'heartbeat'; stats?: WorkerStats }
  /**
   * The app could not be loaded. Sent just before the worker exits with `exitCode`, so the master
   * can print the cause instead of a bare "failed to boot".
   */
  | { act: 'boot-failed'; exitCode: 3 | 4; reason: string }
  /** The worker began a graceful stop: it no longer accepts and is finishing in-flight requests. */
  | { act: 'stopping'; inFlight: number }
  /**
   * The worker asks to be replaced (it served max-requests, its memory stayed above the
   * ceiling, or an error escaped every request). It keeps serving until the master, once a
   * replacement is ready, sends SIGTERM.
   */
  | { act: 'recycle'; reason: RecycleReason; detail: string };

/** `uncaught`: an exception or rejection outside any request (workers/lifecycle/uncaught-errors.ts). */
export type RecycleReason = 'max-requests' | 'memory' | 'uncaught';

/** Master to worker. */
export type MasterMessage =
  /**
   * USR1 reached the master: open the log files again (logrotate renamed them). A message, not
   * a signal: USR1 in a worker would start Node's inspector.
   */
  | { act: 'reopen-logs' }
  /** To a held standby: listen on the inherited sockets, serve, and report `ready`. */
  | { act: 'promote' };

export function isMasterMessage(value: unknown): value is MasterMessage {
  if (typeof value !== 'object' || value === null) return false;
  const act = (value as { act?: unknown }).act;
  return act === 'reopen-logs' || act === 'promote';
}

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const act = (value as { act?: unknown }).act;
  return (
    act === 'booted' ||
    act === 'standby' ||
    act === 'ready' ||
    act === 'heartbeat' ||
    act === 'boot-failed' ||
    act === 'stopping' ||
    act === 'recycle'
  );
}
