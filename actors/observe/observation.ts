/**
 * One live model of the master for everything that shows it (the status page, metrics, statsd,
 * `corral ctl status`): the arbiter's state, each worker as a row, the latest lifecycle events
 * in the log's own words, and counters. It is fed by the actor system itself: the arbiter's
 * emitted events, and the inspection stream (every snapshot and event, heartbeats and their
 * request counts among them), so it sees exactly what the inspector sees.
 *
 * It only records; it does no I/O, and views read it when they need it.
 *
 * @example
 * const observation = createObservation();
 * const actor = createActor(machine, { inspect: observation.inspect });
 * observation.attach(actor);
 * observation.onChange(() => push(observation.view()));
 */
import type { ActorRefFrom, AnyActorRef, InspectionEvent, StateValue } from 'xstate';
import type { ArbiterEmitted, ArbiterMachine } from '../../machines/arbiter-machine.ts';
import { workerMachine } from '../../machines/worker-machine.ts';
import type { WorkerExitCause } from '../../machines/worker-types.ts';
import type { WorkerPhase } from '../../machines/plan-convergence.ts';
import { isWorkerStats, type WorkerStats } from '../../protocol/worker-stats.ts';
import { describe } from '../supervision-log.ts';
import { createSlots } from './slots.ts';
import { stateDescription, statePath } from './state-path.ts';

export interface WorkerView {
  /** The worker actor's id and systemId, `worker-N`. */
  key: string;
  workerId: number;
  /** Its place in the table: a replacement takes the slot of the worker it replaces. */
  slot: number;
  pid: number | null;
  generation: number;
  /** The arbiter's word for it: spawning, booting, standby, promoting, ready, stopping. */
  phase: WorkerPhase;
  /** The worker machine's state, dotted (`serving.watching`), and that state's description. */
  state: string;
  description: string;
  /** Set when it is being replaced before it retires: recycle, reload. */
  outgoing: string | null;
  /** A standby (`--standby`) not promoted yet: booted or booting, not counted as serving. */
  standby: boolean;
  spawnedAt: number;
  readyAt: number | null;
  lastHeartbeatAt: number | null;
  /** Its latest request counts; null until a heartbeat brought some (or when none are kept). */
  stats: WorkerStats | null;
  /** Workers that held its slot before it, and how the last of them ended. */
  restarts: number;
  lastExit: string | null;
}

export interface LifecycleEntry {
  at: number;
  /** The arbiter's emitted event type: `worker.exited`, `reload.done`, ... */
  event: string;
  level: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** The same words as the log line. */
  message: string;
  workerId?: number;
}

export interface MasterView {
  pid: number;
  startedAt: number;
  /** The arbiter's state, dotted: `serving.running`, `serving.reloading.rolling`, `stopping`. */
  state: string;
  description: string;
  target: number;
  /** Standby workers wanted beside the target (`--standby`); their rows have phase `standby`. */
  standby: number;
  generation: number;
  paused: boolean;
  upgrading: boolean;
}

/** Totals that only grow, for counters: Prometheus', statsd's, the page's. */
export interface Totals {
  exitsByCause: Partial<Record<WorkerExitCause, number>>;
  /** Workers spawned into a slot someone held before. */
  restarts: number;
  spawned: number;
  reloads: { done: number; failed: number };
  /** The last request counts of every worker that has exited, summed. */
  retired: WorkerStats;
}

export interface ObservedView {
  master: MasterView;
  workers: WorkerView[];
  events: LifecycleEntry[];
  totals: Totals;
}

export interface ObservationOptions {
  /** How many lifecycle events to keep (default 200). */
  keepEvents?: number;
  now?: () => number;
}

const WORKER_KEY = /^worker-(\d+)$/;
const EARLY_EVENTS = 100;

export function createObservation(options: ObservationOptions = {}) {
  const now = options.now ?? Date.now;
  const keep = options.keepEvents ?? 200;
  const startedAt = now();
  const workers = new Map<string, WorkerView>();
  const events: LifecycleEntry[] = [];
  const listeners = new Set<(reason: string) => void>();
  const emittedListeners = new Set<(event: ArbiterEmitted) => void>();
  const slots = createSlots();
  const totals: Totals = {
    exitsByCause: {},
    restarts: 0,
    spawned: 0,
    reloads: { done: 0, failed: 0 },
    retired: emptyStats(),
  };
  let arbiter: ActorRefFrom<ArbiterMachine> | undefined;
  const taps = new Set<(event: InspectionEvent) => void>();
  // The system's first inspection events come before any part has started: kept for each tap.
  const early: InspectionEvent[] = [];

  const changed = (reason: string) => {
    for (const listener of listeners) listener(reason);
  };

  function record(event: ArbiterEmitted): void {
    const workerId = 'workerId' in event ? event.workerId : undefined;
    for (const [level, message] of describe(event)) {
      events.push({
        at: now(),
        event: event.type,
        level,
        message,
        ...(workerId === undefined ? {} : { workerId }),
      });
    }
    if (events.length > keep) events.splice(0, events.length - keep);
  }

  function onEmitted(event: ArbiterEmitted): void {
    record(event);
    switch (event.type) {
      case 'worker.spawned':
        spawned(event.workerId, event.pid, event.generation, event.standby === true);
        break;
      case 'worker.ready':
        update(event.workerId, { readyAt: now() });
        break;
      case 'worker.exited':
        exited(event.workerId, event.cause, describe(event)[0]?.[1] ?? event.cause);
        break;
      case 'reload.done':
        totals.reloads.done += 1;
        break;
      case 'reload.failed':
        totals.reloads.failed += 1;
        break;
    }
    for (const listener of emittedListeners) listener(event);
    changed(event.type);
  }

  function spawned(workerId: number, pid: number, generation: number, standby: boolean): void {
    const slot = slots.spawned(workerId);
    totals.spawned += 1;
    if (slot.restarts > 0) totals.restarts += 1;
    const key = `worker-${workerId}`;
    // The machine's snapshots before this event found no row to update: read its state now.
    const value = arbiter?.system.get(key)?.getSnapshot().value as StateValue | undefined;
    const state = value === undefined ? 'booting' : statePath(value);
    workers.set(key, {
      key,
      workerId,
      pid,
      generation,
      phase: 'booting',
      state,
      description: stateDescription(workerMachine, state),
      outgoing: null,
      standby,
      spawnedAt: now(),
      readyAt: null,
      lastHeartbeatAt: null,
      stats: null,
      ...slot,
    });
  }

  function exited(workerId: number, cause: WorkerExitCause, how: string): void {
    const key = `worker-${workerId}`;
    const view = workers.get(key);
    if (view?.stats != null) addStats(totals.retired, view.stats);
    workers.delete(key);
    totals.exitsByCause[cause] = (totals.exitsByCause[cause] ?? 0) + 1;
    const handedOver = slots.exited(workerId, how);
    if (handedOver !== null) update(handedOver.successor, handedOver.slot);
  }

  function update(workerId: number, patch: Partial<WorkerView>): void {
    const view = workers.get(`worker-${workerId}`);
    if (view !== undefined) Object.assign(view, patch);
  }

  /** The arbiter's table is the authority on pid, phase, generation and who is outgoing. */
  function syncTable(): void {
    if (arbiter === undefined) return;
    const context = arbiter.getSnapshot().context;
    for (const entry of Object.values(context.workers)) {
      const view = workers.get(`worker-${entry.workerId}`);
      if (view === undefined) continue;
      view.pid = entry.pid;
      view.phase = entry.phase;
      view.standby = entry.standby === true;
      const outgoing =
        entry.outgoing ?? (entry.generation !== context.generation ? 'reload' : null);
      view.outgoing = outgoing;
      if (outgoing !== null || entry.phase === 'stopping') slots.retiring(entry.workerId);
    }
  }

  function onInspection(inspection: InspectionEvent): void {
    if (early.length < EARLY_EVENTS) early.push(inspection);
    for (const tap of taps) tap(inspection);
    const ref = inspection.actorRef as AnyActorRef;
    const match = WORKER_KEY.exec(ref.id);
    if (inspection.type === '@xstate.snapshot') {
      if (match !== null) workerSnapshot(ref.id, inspection.snapshot as { value?: unknown });
      else if (ref === arbiter) syncTable();
      else return;
      changed('snapshot');
      return;
    }
    if (inspection.type !== '@xstate.event' || match === null) return;
    const event = inspection.event as { type: string; stats?: unknown };
    if (event.type !== 'ipc.heartbeat') return;
    const view = workers.get(ref.id);
    if (view === undefined) return;
    view.lastHeartbeatAt = now();
    if (isWorkerStats(event.stats)) view.stats = event.stats;
  }

  function workerSnapshot(key: string, snapshot: { value?: unknown }): void {
    const view = workers.get(key);
    if (view === undefined || snapshot.value === undefined) return;
    view.state = statePath(snapshot.value as StateValue);
    view.description = stateDescription(workerMachine, view.state);
  }

  function master(): MasterView {
    const snapshot = arbiter?.getSnapshot();
    const state = snapshot === undefined ? 'starting' : statePath(snapshot.value);
    const context = snapshot?.context;
    return {
      pid: process.pid,
      startedAt,
      state,
      description: snapshot === undefined ? '' : stateDescription(snapshot.machine, state),
      target: context?.target ?? 0,
      standby: context?.standby ?? 0,
      generation: context?.generation ?? 1,
      paused: context?.paused ?? false,
      upgrading: context?.upgrading ?? false,
    };
  }

  return {
    /** Give this to `createActor(..., { inspect })` (alone or among other observers). */
    inspect: onInspection,
    /** Follows the arbiter's emitted events; returns the function that stops following. */
    attach(actor: ActorRefFrom<ArbiterMachine>): () => void {
      arbiter = actor;
      const subscription = actor.on('*', onEmitted);
      return () => subscription.unsubscribe();
    },
    /** The arbiter this observes, once attached: commands are sent to it. */
    get arbiter() {
      return arbiter;
    },
    view(): ObservedView {
      syncTable();
      const rows = [...workers.values()].map((w) => ({ ...w }));
      rows.sort((a, b) => a.slot - b.slot || a.workerId - b.workerId);
      return {
        master: master(),
        workers: rows,
        events: [...events],
        totals: structuredClone(totals),
      };
    },
    /** Called after every change, with what changed; returns the unsubscribe function. */
    onChange(listener: (reason: string) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /**
     * Every raw inspection event, for the inspector bridge and statsd. Each tap is first given
     * the system's first events (the arbiter's own `@xstate.actor` among them), which come
     * before any part starts; parts tap while starting, before the arbiter does.
     */
    tap(listener: (event: InspectionEvent) => void): () => void {
      for (const event of early) listener(event);
      taps.add(listener);
      return () => taps.delete(listener);
    },
    /** Every arbiter event, after the view took it in. */
    onEmitted(listener: (event: ArbiterEmitted) => void): () => void {
      emittedListeners.add(listener);
      return () => emittedListeners.delete(listener);
    },
  };
}

export type Observation = ReturnType<typeof createObservation>;

export function emptyStats(): WorkerStats {
  return { requests: 0, inFlight: 0, byStatus: {}, durationCounts: [], durationSumS: 0 };
}

/** Adds `more` into `into`: totals, codes and buckets (in-flight is a level, not a total). */
export function addStats(into: WorkerStats, more: WorkerStats): void {
  into.requests += more.requests;
  into.durationSumS += more.durationSumS;
  for (const [code, count] of Object.entries(more.byStatus)) {
    into.byStatus[code] = (into.byStatus[code] ?? 0) + count;
  }
  more.durationCounts.forEach((count, i) => {
    into.durationCounts[i] = (into.durationCounts[i] ?? 0) + count;
  });
}
