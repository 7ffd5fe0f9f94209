/** Types shared by the worker machine and the arbiter machine. */

/** Durations (ms) that govern one worker; the arbiter hands them to every worker it spawns. */
export interface WorkerTimings {
  /** Heartbeat silence before abort; 0 turns the check off. */
  timeoutMs: number;
  /** Time from fork to ready before the boot is aborted. */
  bootTimeoutMs: number;
  /** Time a stopping worker gets before SIGKILL. */
  gracefulTimeoutMs: number;
  /** Time between SIGABRT and SIGKILL for a worker that timed out. */
  abortGraceMs: number;
}

/**
 * Why a worker process ended, as the master knows it:
 * - `stopped`: corral asked it to stop (retire, scale down, shutdown);
 * - `timeout`: corral killed it for heartbeat silence;
 * - `boot-timeout`: corral killed it for not becoming ready within boot-timeout;
 * - `boot-failed`: it could not load the app (exit 3 or 4);
 * - `killed`: SIGKILL from someone other than corral (the kernel's OOM killer, an operator);
 * - `channel-closed`: it stopped itself because the app closed its IPC channel (exit 5);
 * - `crashed`: any other exit the master did not ask for;
 * - `spawn-failed`: the process could not be started at all.
 */
export type WorkerExitCause =
  | 'stopped'
  | 'timeout'
  | 'boot-timeout'
  | 'boot-failed'
  | 'killed'
  | 'channel-closed'
  | 'crashed'
  | 'spawn-failed';

export interface WorkerExit {
  workerId: number;
  pid: number | null;
  code: number | null;
  signal: string | null;
  cause: WorkerExitCause;
  /** For `boot-failed`: the exit code (3 or 4) and the worker's own account of the cause. */
  bootFailure?: { exitCode: 3 | 4; reason: string };
  /** For `spawn-failed`: what the operating system said. */
  error?: string;
  /** The stop outlasted graceful-timeout (its requests, or a SIGTERM ignored): SIGKILL ended it. */
  overranGraceMs?: number;
}

/** A worker silent past its timeout (or stuck booting) that corral has started to kill. */
export interface WorkerTimeout {
  workerId: number;
  pid: number | null;
  phase: 'boot' | 'heartbeat';
  silentMs: number;
}
