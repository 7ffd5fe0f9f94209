/**
 * Decides why a worker exited from what the worker machine knew when the exit arrived.
 * Kept apart from the machine so the rules read as one table and are tested on their own.
 */
import { ExitCode, isBootFailureCode } from '../protocol/exit-codes.ts';
import type { WorkerExit, WorkerExitCause } from './worker-types.ts';

export interface ExitFacts {
  cause: WorkerExitCause | null;
  bootFailure: { exitCode: 3 | 4; reason: string } | null;
  ready: boolean;
}

export interface ExitEvent {
  code: number | null;
  signal: string | null;
  error?: string;
}

export function exitCause(
  facts: ExitFacts,
  event: ExitEvent,
): Pick<WorkerExit, 'cause' | 'bootFailure' | 'error'> {
  if (event.error !== undefined) return { cause: 'spawn-failed', error: event.error };
  // corral's own decision to end the worker explains the exit, whatever signal finished it.
  if (facts.cause === 'timeout' || facts.cause === 'boot-timeout') return { cause: facts.cause };
  if (facts.bootFailure !== null) return { cause: 'boot-failed', bootFailure: facts.bootFailure };
  if (!facts.ready && isBootFailureCode(event.code)) {
    const reason = `the worker exited with code ${event.code} before it was ready, without saying why`;
    return { cause: 'boot-failed', bootFailure: { exitCode: event.code, reason } };
  }
  if (facts.cause === 'stopped') return { cause: 'stopped' };
  // Any other exit of its own before ready is the app's start ending the process (a
  // `process.exit(1)` when a variable is missing): it would do the same in every worker, so it
  // is a boot failure (exit 3), not a crash to restart with backoff for ever.
  if (!facts.ready && event.code !== null) {
    const reason = `the worker exited with code ${event.code} before it was ready: the app's start ended the process (a process.exit() in its top level?)`;
    return { cause: 'boot-failed', bootFailure: { exitCode: ExitCode.WorkerBootError, reason } };
  }
  if (event.code === ExitCode.WorkerChannelClosed) return { cause: 'channel-closed' };
  if (event.signal === 'SIGKILL') return { cause: 'killed' };
  return { cause: 'crashed' };
}
