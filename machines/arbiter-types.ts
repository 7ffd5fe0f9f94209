/** The arbiter's input, events, emitted events and output, apart from the machine itself. */
import type { RecycleReason } from '../protocol/ipc-messages.ts';
import type { WorkerEntry } from './plan-convergence.ts';
import type { RecycleRequest } from './worker-table.ts';
import type { RestartPolicy, RestartState } from './restart-policy.ts';
import type { StopMode, WorkerReport } from './worker-machine.ts';
import type { WorkerExit, WorkerTimings } from './worker-types.ts';

/** Why the arbiter retired a worker that it asked to stop, when there was more to it. */
export type RetiredFor = 'recycle' | 'reload';

/** What one settings generation tells the arbiter; a reload produces a new one. */
export interface GenerationSettings {
  /** The configured worker count (TTIN/TTOU adjust the target from there). */
  workers: number;
  /** Standby workers to keep booted beside the serving ones (`--standby`); absent: 0. */
  standby?: number;
  timings: WorkerTimings;
  policy: RestartPolicy;
}

export interface ArbiterInput extends GenerationSettings {
  /** Seed for the restart jitter; the composition root passes a random one. */
  seed?: number;
  /**
   * In a supervision tree: the pool's path (`root/web`). Its workers are `root/web/worker-N` in
   * the actor system, and their process actors are told the pool, to fork on its sockets.
   */
  pool?: string;
}

export type SignalName =
  'hup' | 'ttin' | 'ttou' | 'term' | 'int' | 'quit' | 'usr1' | 'usr2' | 'winch';
export type SignalEvent = { type: `signal.${SignalName}` };

/** The new master started by an upgrade ended (or never started: `error` says why). */
export interface UpgradeExit {
  pid: number | null;
  code: number | null;
  signal: string | null;
  error?: string;
}

/** What the `upgrade` actor (a new master started from this one) reports back. */
export type UpgradeEvent =
  { type: 'upgrade.started'; pid: number } | ({ type: 'upgrade.exited' } & UpgradeExit);

export type ArbiterEvent =
  | SignalEvent
  | WorkerReport
  | UpgradeEvent
  | { type: 'arbiter.stop'; mode: StopMode }
  | { type: 'restart.expired' }
  | { type: 'restart.resume' }
  | { type: 'restart.stable' }
  | ({ type: 'recycle.started' } & RecycleRequest);

export interface ArbiterOutput {
  exitCode: number;
  reason: string;
}

/** What the arbiter tells its observers; the composition root turns these into log lines. */
export type ArbiterEmitted =
  | { type: 'arbiter.signal'; signal: SignalName; handled: boolean }
  | { type: 'arbiter.ready'; workers: number }
  | { type: 'arbiter.paused' }
  | { type: 'arbiter.stopping'; mode: StopMode }
  | { type: 'arbiter.halted'; exitCode: number; reason: string }
  | { type: 'workers.changed'; target: number; previous: number }
  | {
      type: 'worker.spawned';
      workerId: number;
      pid: number;
      generation: number;
      standby?: true;
    }
  | { type: 'worker.standby'; workerId: number; pid: number | null }
  /** A held standby was told to serve; `inPlaceOf` is the worker whose exit or recycle left the gap. */
  | { type: 'worker.promoted'; workerId: number; pid: number | null; inPlaceOf: number | null }
  | { type: 'worker.ready'; workerId: number; pid: number | null }
  // Relayed from the worker machines as they are.
  | Extract<WorkerReport, { type: 'worker.timeout' | 'worker.stall' }>
  | {
      type: 'worker.recycling';
      workerId: number;
      pid: number | null;
      reason: RecycleReason;
      detail: string;
    }
  | ({ type: 'worker.exited'; retiredFor?: RetiredFor; standby?: true } & WorkerExit)
  /**
   * A standby failed to boot, or standbys kept crashing past the restart budget: none is kept
   * in this generation until the next reload.
   */
  | {
      type: 'standby.suspended';
      generation: number;
      workerId: number;
      because: 'boot' | 'crashes';
    }
  | { type: 'restart.delayed'; delayMs: number; recent: number }
  | { type: 'reload.started'; generation: number }
  | { type: 'reload.done'; generation: number; workers: number }
  | { type: 'reload.failed'; generation: number; reason: string }
  | { type: 'upgrade.started'; pid: number }
  | { type: 'upgrade.refused'; reason: string }
  | ({ type: 'upgrade.exited' } & UpgradeExit);

/** The parts of the context a generation sets, kept while a reload may still roll back. */
export type RollbackSettings = Pick<
  ArbiterContext,
  'timings' | 'policy' | 'target' | 'configuredWorkers' | 'standby'
>;

export interface ArbiterContext {
  /** In a supervision tree, the pool's path; null for the CLI's master. */
  pool: string | null;
  timings: WorkerTimings;
  policy: RestartPolicy;
  /** The workers wanted: the configured count, adjusted by TTIN/TTOU. */
  target: number;
  /** The configured count of the current generation, to tell whether a reload changed it. */
  configuredWorkers: number;
  /** Standby workers wanted beside the target: the current generation's `--standby`. */
  standby: number;
  /** A generation in which a standby failed to boot: it keeps no standby any more. */
  standbyFailedIn: number | null;
  /** After WINCH: no workers until HUP. */
  paused: boolean;
  generation: number;
  /** The newest generation ever started: generation numbers are never reused, even after a rollback. */
  lastGeneration: number;
  /** During a reload: the generation to go back to if the new one fails to boot. */
  rollbackGeneration: number | null;
  /** During a reload: what the generation to go back to ran with, restored with it. */
  rollbackSettings: RollbackSettings | null;
  /** A HUP that arrived during a reload: one more reload runs when this one ends. */
  reloadQueued: boolean;
  nextWorkerId: number;
  /** Keyed by the worker actor's id, `worker-N`. Plain data: the actor refs live in the system. */
  workers: Record<string, WorkerEntry>;
  /** Workers that asked to be recycled while another recycle was under way. */
  recycleQueue: RecycleRequest[];
  restarts: RestartState;
  /** While a crash-loop backoff runs, crashed workers are not replaced. */
  holdSpawns: boolean;
  backoffDelayMs: number;
  upgrading: boolean;
  stopMode: StopMode | null;
  halt: ArbiterOutput | null;
}
