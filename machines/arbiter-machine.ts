/**
 * The arbiter: the master's statechart, after Gunicorn's Arbiter.
 *
 * States: serving (booting → running) → stopping → halted.
 * Events in: `signal.*` from the invoked `signals` actor, `worker.*` reports from the worker
 * machines it spawns (one per process, `systemId` `worker-N`), and `arbiter.stop` from an
 * embedding program. Emits {@link ArbiterEmitted} for observers (logs, the live view); never
 * logs itself. Output: {@link ArbiterOutput}, the master's exit code and the reason.
 *
 * Every decision converges: after any change the arbiter spawns or retires workers until the
 * live count matches the target (see plan-convergence.ts).
 */
import { assign, emit, enqueueActions, fromCallback, setup } from 'xstate';
import { ExitCode } from '../protocol/exit-codes.ts';
import { haltReason } from './halt-reason.ts';
import { countInPhase, planConvergence, type WorkerEntry } from './plan-convergence.ts';
import { workerMachine, type StopMode, type WorkerReport } from './worker-machine.ts';
import type { WorkerExit, WorkerTimeout, WorkerTimings } from './worker-types.ts';

export interface ArbiterInput extends WorkerTimings {
  /** How many workers to run at first. */
  workers: number;
}

export type SignalName =
  'hup' | 'ttin' | 'ttou' | 'term' | 'int' | 'quit' | 'usr1' | 'usr2' | 'winch';
export type SignalEvent = { type: `signal.${SignalName}` };

export type ArbiterEvent = SignalEvent | WorkerReport | { type: 'arbiter.stop'; mode: StopMode };

export interface ArbiterOutput {
  exitCode: number;
  reason: string;
}

/** What the arbiter tells its observers; the composition root turns these into log lines. */
export type ArbiterEmitted =
  | { type: 'arbiter.signal'; signal: SignalName; handled: boolean }
  | { type: 'arbiter.ready'; workers: number }
  | { type: 'arbiter.stopping'; mode: StopMode }
  | { type: 'arbiter.halted'; exitCode: number; reason: string }
  | { type: 'workers.changed'; target: number; previous: number }
  | { type: 'worker.spawned'; workerId: number; pid: number }
  | { type: 'worker.ready'; workerId: number; pid: number | null }
  | ({ type: 'worker.timeout' } & WorkerTimeout)
  | ({ type: 'worker.exited' } & WorkerExit);

interface ArbiterContext {
  timings: WorkerTimings;
  target: number;
  nextWorkerId: number;
  /** Keyed by the worker actor's id, `worker-N`. Plain data: the actor refs live in the system. */
  workers: Record<string, WorkerEntry>;
  stopMode: StopMode | null;
  halt: ArbiterOutput | null;
}

const workerKey = (workerId: number): string => `worker-${workerId}`;

function setPhase(
  workers: Record<string, WorkerEntry>,
  workerId: number,
  patch: Partial<WorkerEntry>,
): Record<string, WorkerEntry> {
  const key = workerKey(workerId);
  const entry = workers[key];
  return entry === undefined ? workers : { ...workers, [key]: { ...entry, ...patch } };
}

export const arbiterMachine = setup({
  types: {
    context: {} as ArbiterContext,
    input: {} as ArbiterInput,
    events: {} as ArbiterEvent,
    output: {} as ArbiterOutput,
    emitted: {} as ArbiterEmitted,
  },
  actors: {
    worker: workerMachine,
    // A stub: the composition root provides the real OS-signal stream.
    signals: fromCallback<{ type: 'noop' }>(() => undefined),
  },
  actions: {
    converge: enqueueActions(({ context, enqueue }) => {
      const plan = planConvergence(context.workers, context.target);
      const workers = { ...context.workers };
      let nextWorkerId = context.nextWorkerId;
      for (let i = 0; i < plan.spawn; i += 1) {
        const workerId = nextWorkerId++;
        const id = workerKey(workerId);
        workers[id] = { workerId, pid: null, phase: 'spawning' };
        enqueue.spawnChild('worker', { id, systemId: id, input: { workerId, ...context.timings } });
      }
      for (const id of plan.retire) {
        workers[id] = { ...(workers[id] as WorkerEntry), phase: 'stopping' };
        enqueue.sendTo(id, { type: 'worker.stop', mode: 'graceful' });
      }
      enqueue.assign({ workers, nextWorkerId });
    }),
    stopAllWorkers: enqueueActions(({ context, enqueue }) => {
      const mode = context.stopMode ?? 'graceful';
      const workers: Record<string, WorkerEntry> = {};
      for (const [id, entry] of Object.entries(context.workers)) {
        workers[id] = { ...entry, phase: 'stopping' };
        enqueue.sendTo(id, { type: 'worker.stop', mode });
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
      enqueue.assign({
        workers: setPhase(context.workers, event.workerId, { pid: event.pid, phase: 'booting' }),
      });
      enqueue.emit({ type: 'worker.spawned', workerId: event.workerId, pid: event.pid });
    }),
    recordReady: enqueueActions(({ context, enqueue, event }) => {
      if (event.type !== 'worker.ready') return;
      const entry = context.workers[workerKey(event.workerId)];
      // A worker told to stop while booting may still report ready; it stays stopping.
      if (entry === undefined || entry.phase === 'stopping') return;
      enqueue.assign({ workers: setPhase(context.workers, event.workerId, { phase: 'ready' }) });
      enqueue.emit({ type: 'worker.ready', workerId: event.workerId, pid: entry.pid });
    }),
    // Reports from worker machines are re-emitted as they are: observers see one stream.
    reportTimeout: emit(({ event }) => event as Extract<ArbiterEvent, { type: 'worker.timeout' }>),
    forgetWorker: enqueueActions(({ context, enqueue, event }) => {
      if (event.type !== 'worker.exited') return;
      const { type: _type, ...exit } = event;
      const key = workerKey(event.workerId);
      const { [key]: _gone, ...workers } = context.workers;
      enqueue.assign({ workers });
      enqueue.stopChild(key);
      enqueue.emit({ type: 'worker.exited', ...exit });
    }),
    haltForBootFailure: assign(({ context, event }) => {
      const exit = event as Extract<ArbiterEvent, { type: 'worker.exited' }>;
      const exitCode = exit.bootFailure?.exitCode ?? ExitCode.WorkerBootError;
      const reason = haltReason(exit, context.timings.bootTimeoutMs);
      return { stopMode: 'quick' as const, halt: { exitCode, reason } };
    }),
    chooseStop: assign((_, params: { mode: StopMode }) => ({ stopMode: params.mode })),
    escalateToQuick: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ stopMode: 'quick' });
      for (const id of Object.keys(context.workers))
        enqueue.sendTo(id, { type: 'worker.stop', mode: 'quick' });
    }),
    emitStopping: emit(({ context }) => ({
      type: 'arbiter.stopping' as const,
      mode: context.stopMode ?? 'graceful',
    })),
    emitReady: emit(({ context }) => ({
      type: 'arbiter.ready' as const,
      workers: countInPhase(context.workers, 'ready'),
    })),
    emitHalted: emit(({ context }) => ({ type: 'arbiter.halted' as const, ...output(context) })),
  },
  guards: {
    allReady: ({ context }) => countInPhase(context.workers, 'ready') >= context.target,
    noWorkersLeft: ({ context }) => Object.keys(context.workers).length === 0,
    bootFailed: ({ event }) =>
      event.type === 'worker.exited' &&
      (event.cause === 'boot-failed' || event.cause === 'boot-timeout'),
    stoppingGracefully: ({ context }) => context.stopMode === 'graceful',
  },
  delays: {
    // A safety net only: every worker machine kills its own process after graceful-timeout.
    stopDeadline: ({ context }) =>
      context.timings.gracefulTimeoutMs + context.timings.abortGraceMs + 10_000,
  },
}).createMachine({
  id: 'arbiter',
  context: ({ input }) => {
    const { workers, ...timings } = input;
    return {
      timings,
      target: Math.max(1, workers),
      nextWorkerId: 1,
      workers: {},
      stopMode: null,
      halt: null,
    };
  },
  invoke: { id: 'signals', src: 'signals' },
  initial: 'serving',
  on: {
    'worker.spawned': { actions: 'recordSpawned' },
    'worker.timeout': { actions: 'reportTimeout' },
    'signal.hup': { actions: { type: 'emitSignal', params: { signal: 'hup', handled: false } } },
    'signal.usr1': { actions: { type: 'emitSignal', params: { signal: 'usr1', handled: false } } },
    'signal.usr2': { actions: { type: 'emitSignal', params: { signal: 'usr2', handled: false } } },
    'signal.winch': {
      actions: { type: 'emitSignal', params: { signal: 'winch', handled: false } },
    },
  },
  states: {
    serving: {
      description:
        'Keeps the live worker count at the target: spawns, replaces and retires workers.',
      initial: 'booting',
      entry: 'converge',
      on: {
        'worker.ready': { actions: 'recordReady' },
        'worker.exited': [
          {
            guard: 'bootFailed',
            target: 'stopping',
            actions: ['forgetWorker', 'haltForBootFailure'],
          },
          { actions: ['forgetWorker', 'converge'] },
        ],
        'signal.ttin': {
          actions: [
            { type: 'emitSignal', params: { signal: 'ttin', handled: true } },
            { type: 'scaleBy', params: { delta: 1 } },
            'converge',
          ],
        },
        'signal.ttou': {
          actions: [
            { type: 'emitSignal', params: { signal: 'ttou', handled: true } },
            { type: 'scaleBy', params: { delta: -1 } },
            'converge',
          ],
        },
        'signal.term': {
          target: 'stopping',
          actions: [
            { type: 'emitSignal', params: { signal: 'term', handled: true } },
            { type: 'chooseStop', params: { mode: 'graceful' } },
          ],
        },
        'signal.int': {
          target: 'stopping',
          actions: [
            { type: 'emitSignal', params: { signal: 'int', handled: true } },
            { type: 'chooseStop', params: { mode: 'quick' } },
          ],
        },
        'signal.quit': {
          target: 'stopping',
          actions: [
            { type: 'emitSignal', params: { signal: 'quit', handled: true } },
            { type: 'chooseStop', params: { mode: 'quick' } },
          ],
        },
        'arbiter.stop': {
          target: 'stopping',
          actions: { type: 'chooseStop', params: ({ event }) => ({ mode: event.mode }) },
        },
      },
      states: {
        booting: {
          description:
            'The first workers are starting; the server counts as ready when the target number report ready.',
          always: { guard: 'allReady', target: 'running', actions: 'emitReady' },
        },
        running: {
          description:
            'Serving with the target number of workers; crashes are replaced, TTIN/TTOU rescale.',
        },
      },
    },
    stopping: {
      description:
        'Every worker has been asked to stop (SIGTERM graceful, SIGQUIT quick); waits until all have exited. INT or QUIT during a graceful stop makes it quick.',
      entry: ['emitStopping', 'stopAllWorkers'],
      always: { guard: 'noWorkersLeft', target: 'halted' },
      after: { stopDeadline: 'halted' },
      on: {
        'worker.exited': { actions: 'forgetWorker' },
        'signal.int': {
          guard: 'stoppingGracefully',
          actions: [
            { type: 'emitSignal', params: { signal: 'int', handled: true } },
            'escalateToQuick',
          ],
        },
        'signal.quit': {
          guard: 'stoppingGracefully',
          actions: [
            { type: 'emitSignal', params: { signal: 'quit', handled: true } },
            'escalateToQuick',
          ],
        },
      },
    },
    halted: {
      type: 'final',
      description: 'All workers are gone; the output carries the exit code and the reason.',
      entry: 'emitHalted',
    },
  },
  output: ({ context }) => output(context),
});

function output(context: ArbiterContext): ArbiterOutput {
  return context.halt ?? { exitCode: ExitCode.Ok, reason: 'stopped on request' };
}

export type ArbiterMachine = typeof arbiterMachine;
