/** The sentence the master prints when a boot failure halts it: the cause, never a bare "failed". */
import { ExitCode } from '../protocol/exit-codes.ts';
import type { WorkerExit } from './worker-types.ts';

export function haltReason(exit: WorkerExit, bootTimeoutMs?: number): string {
  const who = `Worker ${exit.workerId} (pid:${exit.pid ?? '?'})`;
  if (exit.cause === 'boot-timeout') {
    const within = bootTimeoutMs === undefined ? '' : ` within ${bootTimeoutMs / 1000} s`;
    return `${who} did not become ready${within} (boot-timeout); treated as a boot failure`;
  }
  const failure = exit.bootFailure;
  if (failure === undefined) return `${who} failed to boot`;
  const what =
    failure.exitCode === ExitCode.AppLoadError ? 'App failed to load' : 'Worker failed to boot';
  return `${what}: ${failure.reason}`;
}
