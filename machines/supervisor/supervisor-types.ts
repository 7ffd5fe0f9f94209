/**
 * A supervisor's input, events, emitted events and output, apart from the machine itself.
 * Everything here is plain data: what a child runs (a module, a command, an HTTP pool's
 * sockets) is known to the composition root by the child's path, never to the machine.
 */
import type { ArbiterInput, SignalEvent } from '../arbiter-types.ts';
import type { RestartPolicy, RestartState } from '../restart-policy.ts';
import type { ChildReadiness, StopMode, WorkerReport } from '../worker-machine.ts';
import type { WorkerTimings } from '../worker-types.ts';

/** OTP's restart strategies. */
export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one' | 'simple_one_for_one';
export const STRATEGIES: readonly Strategy[] = [
  'one_for_one',
  'one_for_all',
  'rest_for_one',
  'simple_one_for_one',
];

/** OTP's restart types: always, only after an abnormal exit, never. */
export type RestartType = 'permanent' | 'transient' | 'temporary';
export const RESTART_TYPES: readonly RestartType[] = ['permanent', 'transient', 'temporary'];

/** A process child's timings and readiness, as the worker machine takes them. */
export type ProcessChildInput = WorkerTimings & ChildReadiness;

/** One child as the machine sees it. `id` is unique among its siblings. */
export type ChildPlan = { id: string; restart: RestartType } & (
  | { kind: 'process'; input: ProcessChildInput }
  | { kind: 'supervisor'; input: SupervisorInput }
  | { kind: 'pool'; input: ArbiterInput }
);
export type ChildKind = ChildPlan['kind'];

export interface SupervisorInput {
  /** Where it sits in the tree: `root`, `root/jobs`; its children are `path/id`. */
  path: string;
  strategy: Strategy;
  /** Restart intensity and period; `backoffMaxMs` 0 gives up at once past them, as OTP does. */
  policy: RestartPolicy;
  /** Started in this order, stopped in reverse. */
  children: ChildPlan[];
  /** For `simple_one_for_one`: what `supervisor.add-child` starts. */
  template?: ChildPlan;
  /** Seed for the restart jitter (only used with a backoff). */
  seed?: number;
}

/**
 * - `down`: not running (before its turn, after an exit, or stopped on request);
 * - `starting`: started, not ready yet; the next child in order waits for it;
 * - `ready`: running and ready;
 * - `stopping`: asked to stop, not exited yet.
 */
export type ChildPhase = 'down' | 'starting' | 'ready' | 'stopping';

export interface ChildState {
  phase: ChildPhase;
  /** Whether it should be running: false once it is not to be restarted or was stopped. */
  wanted: boolean;
  /** Marked to be stopped (a restart group, a stop request, the supervisor stopping). */
  stopRequested: boolean;
  /** Deleted once it is down (temporary, dynamic, or removed on request). */
  remove: boolean;
  /** The number of its current incarnation; a restart starts a new one. */
  instance: number | null;
  pid: number | null;
  restarts: number;
}

export type SupervisorEvent =
  | SignalEvent
  | { type: 'supervisor.start' }
  | { type: 'supervisor.stop'; mode?: StopMode }
  | { type: 'supervisor.start-child'; id: string }
  | { type: 'supervisor.stop-child'; id: string }
  | { type: 'supervisor.restart-child'; id: string }
  /** Adds a child: from the template under `simple_one_for_one`, else the plan given. */
  | { type: 'supervisor.add-child'; id: string; plan?: ChildPlan }
  | { type: 'supervisor.remove-child'; id: string }
  /** Passes an event to a child (a pool takes `signal.ttin`, `signal.hup`, ...). */
  | { type: 'supervisor.forward'; id: string; event: { type: string } }
  | WorkerReport
  | { type: 'restart.expired' }
  | { type: 'restart.resume' }
  | { type: 'restart.stable' }
  | { type: `xstate.snapshot.${string}`; snapshot: { hasTag?: (tag: string) => boolean } }
  | { type: `xstate.done.actor.${string}`; actorId?: string; output: unknown }
  | { type: `xstate.error.actor.${string}`; actorId?: string; error: unknown };

export interface SupervisorOutput {
  exitCode: number;
  reason: string;
  /** Why, from this supervisor down to the child that failed first: one line each. */
  chain: string[];
}

/** How a child's exit is told to observers. */
export type ChildOutcome =
  | 'restart' // restarted (now, or after a wait)
  | 'stopped' // stopped by the supervisor, as asked
  | 'done' // exited and, by its restart type, stays down
  | 'give-up'; // one exit too many: the supervisor gives up

export type SupervisorEmitted =
  | { type: 'supervisor.started'; path: string; children: number }
  | { type: 'supervisor.ready'; path: string; children: number }
  | { type: 'child.started'; path: string; kind: ChildKind; instance: number }
  | { type: 'child.spawned'; path: string; pid: number }
  | { type: 'child.ready'; path: string; pid: number | null }
  | {
      type: 'child.timeout';
      path: string;
      pid: number | null;
      phase: 'boot' | 'heartbeat';
      silentMs: number;
    }
  | {
      type: 'child.exited';
      path: string;
      pid: number | null;
      normal: boolean;
      description: string;
      outcome: ChildOutcome;
    }
  | { type: 'children.restarting'; path: string; strategy: Strategy; children: string[] }
  | { type: 'restart.delayed'; path: string; delayMs: number; recent: number }
  | { type: 'supervisor.gave-up'; path: string; reason: string }
  | { type: 'supervisor.refused'; path: string; reason: string }
  | { type: 'supervisor.stopping'; path: string; mode: StopMode }
  | ({ type: 'supervisor.halted'; path: string } & SupervisorOutput);

export interface SupervisorContext {
  path: string;
  strategy: Strategy;
  policy: RestartPolicy;
  /** Every child's plan, keyed by id; `order` is the start order. */
  plans: Record<string, ChildPlan>;
  order: string[];
  children: Record<string, ChildState>;
  template: ChildPlan | null;
  nextInstance: number;
  restarts: RestartState;
  holdSpawns: boolean;
  backoffDelayMs: number;
  stopMode: StopMode | null;
  halt: SupervisorOutput | null;
}
