/**
 * What a child's exit means to its supervisor: normal or abnormal (for `transient`), and the
 * words for the log and for the chain of reasons when a tree gives up. Outputs differ by kind:
 * a process child ends with the worker machine's {@link WorkerExit}; a nested supervisor or an
 * HTTP pool with an exit code and a reason.
 */
import type { WorkerExit } from '../worker-types.ts';
import type { ChildPlan } from './supervisor-types.ts';

export interface ChildExitMeaning {
  normal: boolean;
  description: string;
  pid: number | null;
  /** The reasons below this child, when it was a supervisor that gave up (or a pool's reason). */
  chain: string[];
}

interface CodeAndReason {
  exitCode: number;
  reason: string;
  chain?: string[];
}

export function childExitMeaning(plan: ChildPlan, output: unknown): ChildExitMeaning {
  if (plan.kind === 'process') return processExit(plan, output as WorkerExit | undefined);
  const result = output as CodeAndReason | undefined;
  if (result === undefined) {
    return { normal: false, description: 'ended without an output', pid: null, chain: [] };
  }
  const normal = result.exitCode === 0;
  const description = normal
    ? `stopped (${result.reason})`
    : `ended with exit ${result.exitCode}: ${result.reason}`;
  return { normal, description, pid: null, chain: result.chain ?? [result.reason] };
}

/** A child actor that failed (an exception in its logic) rather than ended. */
export function childErrorMeaning(error: unknown): ChildExitMeaning {
  return { normal: false, description: `failed: ${String(error)}`, pid: null, chain: [] };
}

function processExit(
  plan: Extract<ChildPlan, { kind: 'process' }>,
  exit: WorkerExit | undefined,
): ChildExitMeaning {
  if (exit === undefined) {
    return { normal: false, description: 'ended without an exit status', pid: null, chain: [] };
  }
  const normal =
    exit.cause === 'stopped' ||
    (exit.cause === 'crashed' && exit.code === 0 && exit.signal === null);
  return { normal, description: describeProcessExit(plan, exit), pid: exit.pid, chain: [] };
}

function describeProcessExit(plan: Extract<ChildPlan, { kind: 'process' }>, exit: WorkerExit) {
  const status = exit.code !== null ? `exit code ${exit.code}` : `signal ${exit.signal ?? '?'}`;
  switch (exit.cause) {
    case 'stopped':
      return `stopped (${status})`;
    case 'timeout':
      return `sent no heartbeat for ${plan.input.timeoutMs / 1000} s and was killed`;
    case 'boot-timeout':
      return `did not report ready within ${plan.input.bootTimeoutMs / 1000} s and was killed`;
    case 'boot-failed':
      return `exited with code ${exit.code ?? '?'} before it was ready${exit.bootFailure ? `: ${exit.bootFailure.reason}` : ''}`;
    case 'killed':
      return 'was sent SIGKILL by someone other than corral (out of memory?)';
    case 'spawn-failed':
      return `could not be started: ${exit.error ?? 'unknown error'}`;
    case 'channel-closed':
      return 'stopped itself because it closed its IPC channel';
    case 'crashed':
      return exit.code !== null ? `exited with code ${exit.code}` : `was killed by ${status}`;
  }
}
