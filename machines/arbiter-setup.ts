/**
 * The arbiter's vocabulary: its types, the actors it spawns or invokes (stubs here; real ones come
 * through provide()), and its named actions, guards and delays. The statechart that uses them
 * is in arbiter-machine.ts; the split keeps each file readable on its own.
 */
import { assign, emit, enqueueActions, fromCallback, fromPromise, setup } from 'xstate';
import { ExitCode } from '../protocol/exit-codes.ts';
import type {
  ArbiterContext,
  ArbiterEmitted,
  ArbiterEvent,
  ArbiterInput,
  ArbiterOutput,
  GenerationSettings,
  SignalName,
} from './arbiter-types.ts';
import { haltReason } from './halt-reason.ts';
import { countReadyCurrent, planConvergence } from './plan-convergence.ts';
import { afterRestart, decideRestart, restartExpired, restartStable } from './restart-policy.ts';
import { countRestart, endBackoff, startBackoff } from './restart-timers.ts';
import { standbyStage, standingInFor, wantedStandby, type StandbyStage } from './standby-pool.ts';
import { workerMachine, type StopMode } from './worker-machine.ts';
import {
  generationSettled,
  nextRecycle,
  patchWorker,
  requestRecycle,
  retiredBecause,
  withoutWorker,
  workerKey,
} from './worker-table.ts';

type ExitedEvent = Extract<ArbiterEvent, { type: 'worker.exited' }>;
const asExit = (event: ArbiterEvent) => event as ExitedEvent;

const stageOf = (context: ArbiterContext): StandbyStage =>
  standbyStage(context.workers, context.generation, wantedStandby(context));

export const arbiterSetup = setup({
  types: {
    context: {} as ArbiterContext,
    input: {} as ArbiterInput,
    events: {} as ArbiterEvent,
    output: {} as ArbiterOutput,
    emitted: {} as ArbiterEmitted,
  },
  actors: {
    worker: workerMachine,
    // Stubs: the composition root provides the OS-signal stream, the settings re-read for HUP,
    // and the start of a new master for USR2.
    signals: fromCallback<{ type: 'noop' }>(() => undefined),
    reloadSettings: fromPromise<GenerationSettings, { generation: number; pool?: string }>(
      async () => {
        throw new Error('reloadSettings is not provided');
      },
    ),
    upgrade: fromCallback<{ type: 'noop' }>(() => undefined),
  },
  actions: {
    converge: enqueueActions(({ context, enqueue, event }) => {
      const target = context.paused ? 0 : context.target;
      const plan = planConvergence({
        workers: context.workers,
        target,
        generation: context.generation,
        holdSpawns: context.holdSpawns,
        standby: wantedStandby(context),
      });
      const workers = { ...context.workers };
      let nextWorkerId = context.nextWorkerId;
      const spawnOne = (standby: boolean) => {
        const workerId = nextWorkerId++;
        const id = workerKey(workerId);
        workers[id] = {
          workerId,
          pid: null,
          phase: 'spawning',
          generation: context.generation,
          outgoing: null,
          ...(standby && { standby: true }),
        };
        const pool = context.pool;
        const input = {
          workerId,
          generation: context.generation,
          ...context.timings,
          ...(pool !== null && { child: pool }),
          ...(standby && { standby: true }),
        };
        const systemId = pool === null ? id : `${pool}/${id}`;
        enqueue.spawnChild('worker', { id, systemId, input });
      };
      for (let i = 0; i < plan.spawn; i += 1) spawnOne(false);
      // A standby's fork comes after the serving workers' (plan.spawnStandby is 0 while any is).
      for (let i = 0; i < plan.spawnStandby; i += 1) spawnOne(true);
      let inPlaceOf = standingInFor(context.workers, context.generation, event);
      for (const id of plan.promote) {
        const entry = workers[id]!;
        workers[id] = { ...entry, standby: false, phase: 'promoting' };
        enqueue.sendTo(id, { type: 'worker.promote' });
        const { workerId, pid } = entry;
        enqueue.emit({ type: 'worker.promoted', workerId, pid, inPlaceOf });
        inPlaceOf = null;
      }
      for (const id of plan.retire) {
        workers[id] = { ...workers[id]!, phase: 'stopping' };
        enqueue.sendTo(id, { type: 'worker.stop', mode: 'graceful' });
      }
      enqueue.assign({ workers, nextWorkerId });
    }),
    stopAllWorkers: enqueueActions(({ context, enqueue }) => {
      const workers = { ...context.workers };
      for (const [id, entry] of Object.entries(workers)) {
        workers[id] = { ...entry, phase: 'stopping' };
        enqueue.sendTo(id, { type: 'worker.stop', mode: context.stopMode ?? 'graceful' });
      }
      enqueue.assign({ workers });
    }),
    scaleBy: enqueueActions(({ context, enqueue }, params: { delta: number }) => {
      const target = Math.max(1, context.target + params.delta);
      if (target === context.target) return;
      enqueue.assign({ target });
      enqueue.emit({ type: 'workers.changed', target, previous: context.target });
    }),
    emitSignal: emit((_, params: { signal: SignalName; handled: boolean }) => ({
      type: 'arbiter.signal' as const,
      ...params,
    })),
    recordSpawned: enqueueActions(({ context, enqueue, event }) => {
      if (event.type !== 'worker.spawned') return;
      const entry = context.workers[workerKey(event.workerId)];
      const phase = entry?.phase === 'stopping' ? 'stopping' : 'booting';
      enqueue.assign({
        workers: patchWorker(context.workers, event.workerId, { pid: event.pid, phase }),
      });
      enqueue.emit({
        type: 'worker.spawned',
        workerId: event.workerId,
        pid: event.pid,
        generation: entry?.generation ?? context.generation,
        ...(entry?.standby === true && { standby: true as const }),
      });
    }),
    recordStandby: enqueueActions(({ context, enqueue, event }) => {
      if (event.type !== 'worker.standby') return;
      const entry = context.workers[workerKey(event.workerId)];
      if (entry?.standby !== true || entry.phase === 'stopping') return;
      enqueue.assign({
        workers: patchWorker(context.workers, event.workerId, { phase: 'standby' }),
      });
      enqueue.emit({ type: 'worker.standby', workerId: event.workerId, pid: entry.pid });
    }),
    suspendStandby: enqueueActions(
      ({ context, enqueue, event }, params: { because: 'boot' | 'crashes' }) => {
        enqueue.assign({ standbyFailedIn: context.generation });
        const { workerId } = asExit(event);
        const { generation } = context;
        enqueue.emit({ type: 'standby.suspended', generation, workerId, ...params });
      },
    ),
    recordReady: enqueueActions(({ context, enqueue, event }) => {
      if (event.type !== 'worker.ready') return;
      const entry = context.workers[workerKey(event.workerId)];
      // A worker told to stop while booting may still report ready; it stays stopping.
      if (entry === undefined || entry.phase === 'stopping') return;
      // A standby serves only once promoted; one that reports ready unasked is serving anyway.
      const patch = { phase: 'ready' as const, standby: false };
      enqueue.assign({ workers: patchWorker(context.workers, event.workerId, patch) });
      enqueue.emit({ type: 'worker.ready', workerId: event.workerId, pid: entry.pid });
    }),
    // Reports from worker machines are re-emitted as they are: observers see one stream.
    relayReport: emit(
      ({ event }) => event as Extract<ArbiterEmitted, { type: 'worker.timeout' | 'worker.stall' }>,
    ),
    markRecycle: enqueueActions(({ context, enqueue, event }) => {
      if (event.type !== 'worker.recycle') return;
      const { type: _type, ...request } = event;
      const next = requestRecycle(context, request, context.generation);
      enqueue.assign({ workers: next.workers, recycleQueue: next.recycleQueue });
      if (next.started) enqueue.raise({ type: 'recycle.started', ...request });
    }),
    emitRecycling: emit(({ context, event }) => {
      const { type: _type, ...request } = event as Extract<
        ArbiterEvent,
        { type: 'recycle.started' }
      >;
      const pid = context.workers[workerKey(request.workerId)]?.pid ?? null;
      return { type: 'worker.recycling' as const, pid, ...request };
    }),
    forgetWorker: enqueueActions(({ context, enqueue, event }) => {
      const { type: _type, ...exit } = asExit(event);
      const workers = withoutWorker(context.workers, exit.workerId);
      // A dead worker's queued request goes with it, not when the recycle under way ends.
      const recycleQueue = context.recycleQueue.filter((r) => r.workerId !== exit.workerId);
      const next = nextRecycle({ workers, recycleQueue }, context.generation);
      enqueue.assign({ workers: next.workers, recycleQueue: next.recycleQueue });
      enqueue.stopChild(workerKey(exit.workerId));
      const entry = context.workers[workerKey(exit.workerId)];
      const retiredFor = exit.cause === 'stopped' ? retiredBecause(entry, context) : undefined;
      enqueue.emit({
        type: 'worker.exited',
        ...exit,
        ...(retiredFor && { retiredFor }),
        ...(entry?.standby === true && { standby: true as const }),
      });
      if (next.started !== null) enqueue.raise({ type: 'recycle.started', ...next.started });
    }),
    restartNow: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ restarts: afterRestart(context.restarts, { kind: 'now' }, context.policy) });
      countRestart(enqueue);
    }),
    restartLater: enqueueActions(({ context, enqueue }) => {
      const wait = startBackoff(enqueue, context.restarts, context.policy);
      if (wait === null) return;
      enqueue.assign({ restarts: wait.restarts, holdSpawns: true, backoffDelayMs: wait.delayMs });
      enqueue.emit({
        type: 'restart.delayed',
        delayMs: wait.delayMs,
        recent: context.restarts.recent + 1,
      });
    }),
    expireRestart: assign({ restarts: ({ context }) => restartExpired(context.restarts) }),
    resumeRestarts: enqueueActions(({ enqueue }) => {
      enqueue.assign({ holdSpawns: false });
      endBackoff(enqueue);
    }),
    restoreRestarts: assign({ restarts: ({ context }) => restartStable(context.restarts) }),
    haltForBootFailure: assign(({ context, event }) => {
      const exit = asExit(event);
      const exitCode = exit.bootFailure?.exitCode ?? ExitCode.WorkerBootError;
      return {
        stopMode: 'quick' as const,
        halt: { exitCode, reason: haltReason(exit, context.timings.bootTimeoutMs) },
      };
    }),
    haltForCrashLoop: assign(({ context }) => {
      const decision = decideRestart(context.restarts, context.policy);
      const budget = decision.kind === 'give-up' ? `: ${decision.reason}` : '';
      const reason = `workers keep crashing${budget}; giving up (crash loop)`;
      return { stopMode: 'graceful' as const, halt: { exitCode: ExitCode.Error, reason } };
    }),
    chooseStop: assign((_, params: { mode: StopMode }) => ({ stopMode: params.mode })),
    escalateToQuick: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ stopMode: 'quick' });
      for (const id of Object.keys(context.workers))
        enqueue.sendTo(id, { type: 'worker.stop', mode: 'quick' });
    }),
    pause: enqueueActions(({ enqueue }) => {
      enqueue.assign({ paused: true });
      enqueue.emit({ type: 'arbiter.paused' });
    }),
    startReload: enqueueActions(({ context, enqueue }) => {
      const { timings, policy, target, configuredWorkers, standby } = context;
      enqueue.assign({
        rollbackGeneration: context.generation,
        rollbackSettings: { timings, policy, target, configuredWorkers, standby },
        reloadQueued: false,
        paused: false,
      });
      enqueue.emit({ type: 'reload.started', generation: context.lastGeneration + 1 });
    }),
    applyGeneration: enqueueActions(({ context, enqueue, event }) => {
      const settings = (event as unknown as { output: GenerationSettings }).output;
      // A count changed with TTIN/TTOU survives a reload unless the reload changes `workers`.
      const target =
        settings.workers !== context.configuredWorkers ? settings.workers : context.target;
      enqueue.assign({
        generation: context.lastGeneration + 1,
        lastGeneration: context.lastGeneration + 1,
        timings: settings.timings,
        policy: settings.policy,
        configuredWorkers: settings.workers,
        standby: settings.standby ?? 0,
        target,
      });
      if (target !== context.target)
        enqueue.emit({ type: 'workers.changed', target, previous: context.target });
    }),
    rollBack: enqueueActions(({ context, enqueue }, params: { reason: string }) => {
      // Settings that could not be read were never applied: the failed generation is the one
      // the reload announced, and its number stays used, so log lines never name two.
      const unread = context.generation === context.rollbackGeneration;
      const failed = unread ? context.lastGeneration + 1 : context.generation;
      // The old generation keeps serving with what it ran with, count included.
      const restored = context.rollbackSettings ?? {};
      enqueue.assign({
        ...restored,
        generation: context.rollbackGeneration ?? context.generation,
        lastGeneration: Math.max(context.lastGeneration, failed),
        rollbackGeneration: null,
        rollbackSettings: null,
      });
      const target = context.rollbackSettings?.target;
      if (target !== undefined && target !== context.target)
        enqueue.emit({ type: 'workers.changed', target, previous: context.target });
      enqueue.emit({ type: 'reload.failed', generation: failed, reason: params.reason });
    }),
    finishReload: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ rollbackGeneration: null, rollbackSettings: null });
      enqueue.emit({
        type: 'reload.done',
        generation: context.generation,
        workers: countReadyCurrent(context.workers, context.generation),
      });
    }),
    queueReload: assign({ reloadQueued: true }),
    startUpgrade: enqueueActions(({ context, enqueue }) => {
      if (context.upgrading) {
        enqueue.emit({ type: 'upgrade.refused', reason: 'an upgrade is already under way' });
        return;
      }
      enqueue.assign({ upgrading: true });
      enqueue.spawnChild('upgrade', { id: 'upgrade', systemId: 'upgrade' });
    }),
    upgradeStarted: emit(
      ({ event }) => event as Extract<ArbiterEmitted, { type: 'upgrade.started' }>,
    ),
    upgradeEnded: enqueueActions(({ enqueue, event }) => {
      enqueue.assign({ upgrading: false });
      enqueue.stopChild('upgrade');
      enqueue.emit(event as Extract<ArbiterEmitted, { type: 'upgrade.exited' }>);
    }),
    emitStopping: emit(({ context }) => ({
      type: 'arbiter.stopping' as const,
      mode: context.stopMode ?? 'graceful',
    })),
    emitReady: emit(({ context }) => ({
      type: 'arbiter.ready' as const,
      workers: countReadyCurrent(context.workers, context.generation),
    })),
    emitHalted: emit(({ context }) => ({ type: 'arbiter.halted' as const, ...output(context) })),
  },
  guards: {
    allReady: ({ context }) =>
      countReadyCurrent(context.workers, context.generation) >= context.target,
    noWorkersLeft: ({ context }) => Object.keys(context.workers).length === 0,
    // A standby's failed boot is standbyBootFailed's: it never halts a serving master.
    bootFailed: ({ context, event }) => {
      const { cause, workerId } = asExit(event);
      const standby = context.workers[workerKey(workerId)]?.standby === true;
      return !standby && (cause === 'boot-failed' || cause === 'boot-timeout');
    },
    standbyBootFailed: ({ context, event }) => {
      const exit = asExit(event);
      const entry = context.workers[workerKey(exit.workerId)];
      return (
        entry?.standby === true &&
        entry.generation === context.generation &&
        entry.phase !== 'standby' &&
        entry.phase !== 'stopping' &&
        exit.cause !== 'stopped'
      );
    },
    standbyExited: ({ context, event }) =>
      context.workers[workerKey(asExit(event).workerId)]?.standby === true,
    standbyPromoting: ({ context }) => stageOf(context) === 'promoting',
    standbyNone: ({ context }) => stageOf(context) === 'none',
    standbyAllHeld: ({ context }) => stageOf(context) === 'held',
    standbyStageLeft: ({ context }, params: { stage: StandbyStage }) =>
      stageOf(context) !== params.stage,
    exitRequested: ({ event }) => asExit(event).cause === 'stopped',
    restartAllowedNow: ({ context }) =>
      decideRestart(context.restarts, context.policy).kind === 'now',
    restartAllowedLater: ({ context }) =>
      decideRestart(context.restarts, context.policy).kind === 'wait',
    newGenerationFailed: ({ context, event }) => {
      const exit = asExit(event);
      const entry = context.workers[workerKey(exit.workerId)];
      const newGenerationStarted =
        context.rollbackGeneration !== null && context.generation !== context.rollbackGeneration;
      return (
        newGenerationStarted &&
        exit.cause !== 'stopped' &&
        entry?.generation === context.generation &&
        entry.standby !== true &&
        entry.phase !== 'ready'
      );
    },
    reloadSettled: ({ context }) =>
      generationSettled(context.workers, context.generation, context.paused ? 0 : context.target),
    reloadQueued: ({ context }) => context.reloadQueued,
    stoppingGracefully: ({ context }) => context.stopMode === 'graceful',
  },
  delays: {
    // A safety net only: every worker machine kills its own process after graceful-timeout.
    stopDeadline: ({ context }) =>
      context.timings.gracefulTimeoutMs + context.timings.abortGraceMs + 10_000,
    restartPeriod: ({ context }) => context.policy.periodMs,
    restartBackoff: ({ context }) => context.backoffDelayMs,
  },
});

export function output(context: ArbiterContext): ArbiterOutput {
  return context.halt ?? { exitCode: ExitCode.Ok, reason: 'stopped on request' };
}
