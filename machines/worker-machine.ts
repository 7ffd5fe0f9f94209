/**
 * One worker as the master sees it: a child process from fork to exit.
 *
 * States: spawning → booting → serving (watching | unwatched) → draining → exited,
 * with aborting → killing as the timeout path (heartbeat silence or a boot that never ends).
 * A worker started as a standby goes booting → standby (held → promoting) → serving instead.
 * Events in: `process.*` from the process actor it invokes, `ipc.*` relayed from the worker's
 * IPC channel, `worker.stop` and `worker.promote` from the arbiter. Events out (to the parent):
 * `worker.spawned`, `worker.booted`, `worker.standby`, `worker.ready`, `worker.timeout`,
 * `worker.exited`.
 * Output: the {@link WorkerExit} it also reports to the parent.
 *
 * Nothing here knows about HTTP: the invoked `workerProcess` actor decides what a worker runs.
 */
import { and, assign, enqueueActions, fromCallback, sendParent, sendTo, setup } from 'xstate';
import type { WorkerExit, WorkerExitCause, WorkerTimeout, WorkerTimings } from './worker-types.ts';
import { exitCause } from './exit-cause.ts';
import type { RecycleReason } from '../protocol/ipc-messages.ts';
import type { StallReport } from '../protocol/stall-report.ts';
import type { WorkerStats } from '../protocol/worker-stats.ts';

export type { WorkerExit, WorkerExitCause, WorkerTimings } from './worker-types.ts';

export interface WorkerMachineInput extends WorkerTimings, ChildReadiness {
  workerId: number;
  /** The settings generation to start it with (a reload starts a new one). */
  generation: number;
  /**
   * Which child of a supervision tree this process is (its path, `root/queue`), or which pool a
   * worker belongs to; absent for the CLI's workers. The process actor looks up what to run by it.
   */
  child?: string;
  /**
   * Start as a standby: booted with the app loaded, then held (not serving) until the arbiter
   * sends `worker.promote`.
   */
  standby?: boolean;
}

/** What a generic (non-HTTP) child changes in a worker's lifecycle; HTTP workers use none. */
export interface ChildReadiness {
  /**
   * When the child counts as ready: absent, when it says so over IPC (`ready`, as HTTP workers
   * do); 0, as soon as it is spawned; n > 0, n ms after it is spawned.
   */
  readyAfterMs?: number;
  /** OTP's `brutal_kill`: a stop is SIGKILL at once instead of SIGTERM and a grace period. */
  brutalKill?: boolean;
  /** What a heartbeat timeout sends first (default SIGABRT, which lets an HTTP worker report). */
  abortSignal?: WorkerSignal;
}

/** What the process actor sends back to the worker machine. */
export type WorkerProcessEvent =
  | { type: 'process.spawned'; pid: number }
  | { type: 'process.exited'; code: number | null; signal: string | null; error?: string }
  | { type: 'ipc.booted' }
  | { type: 'ipc.standby' }
  | { type: 'ipc.ready' }
  | { type: 'ipc.heartbeat'; stats?: WorkerStats }
  | { type: 'ipc.boot-failed'; exitCode: 3 | 4; reason: string }
  | { type: 'ipc.stopping' }
  | { type: 'ipc.recycle'; reason: RecycleReason; detail: string }
  | { type: 'ipc.stall'; report: StallReport };

export type StopMode = 'graceful' | 'quick';

export type WorkerMachineEvent =
  WorkerProcessEvent | { type: 'worker.stop'; mode: StopMode } | { type: 'worker.promote' };

/** Commands the machine sends to its process actor: a signal, or a held standby's promotion. */
export type WorkerProcessCommand =
  { type: 'process.signal'; signal: WorkerSignal } | { type: 'process.promote' };
export type WorkerSignal = 'SIGTERM' | 'SIGQUIT' | 'SIGABRT' | 'SIGKILL';

/** Input of the process actor: the id and generation; the composition root knows what to run. */
export interface WorkerProcessInput {
  workerId: number;
  generation: number;
  child?: string;
  /** Start the process as a standby: it waits for `process.promote` before it serves. */
  standby?: boolean;
}

/** Events the worker machine sends to its parent arbiter. */
export type WorkerReport =
  | { type: 'worker.spawned'; workerId: number; pid: number }
  | { type: 'worker.booted'; workerId: number }
  | { type: 'worker.standby'; workerId: number }
  | { type: 'worker.ready'; workerId: number }
  | ({ type: 'worker.timeout' } & WorkerTimeout)
  | { type: 'worker.recycle'; workerId: number; reason: RecycleReason; detail: string }
  | { type: 'worker.stall'; workerId: number; pid: number | null; report: StallReport }
  | ({ type: 'worker.exited' } & WorkerExit);

export interface WorkerContext extends WorkerMachineInput {
  pid: number | null;
  /** Why corral itself is ending this worker, once it has decided to. */
  cause: WorkerExitCause | null;
  bootFailure: { exitCode: 3 | 4; reason: string } | null;
  /** Whether it ever reported ready: exit code 3 or 4 means a boot failure only before that. */
  ready: boolean;
  stopMode: StopMode | null;
  /** Still running when graceful-timeout ended its stop, so SIGKILL ended it. */
  overranGrace: boolean;
  exit: WorkerExit | null;
}

export const workerMachine = setup({
  types: {
    context: {} as WorkerContext,
    input: {} as WorkerMachineInput,
    events: {} as WorkerMachineEvent,
    output: {} as WorkerExit,
  },
  actors: {
    // A stub: the composition root provides the real one (fork + IPC), specs provide fakes.
    workerProcess: fromCallback<WorkerProcessCommand, WorkerProcessInput>(() => undefined),
  },
  actions: {
    signalProcess: sendTo('process', (_, params: { signal: WorkerSignal }) => ({
      type: 'process.signal' as const,
      signal: params.signal,
    })),
    reportSpawned: sendParent(({ context }): WorkerReport => ({
      type: 'worker.spawned',
      workerId: context.workerId,
      pid: context.pid ?? -1,
    })),
    reportBooted: sendParent(({ context }): WorkerReport => ({
      type: 'worker.booted',
      workerId: context.workerId,
    })),
    reportStandby: sendParent(({ context }): WorkerReport => ({
      type: 'worker.standby',
      workerId: context.workerId,
    })),
    promoteProcess: sendTo('process', { type: 'process.promote' as const }),
    reportTimeout: sendParent(
      ({ context }, params: { phase: 'boot' | 'heartbeat' }): WorkerReport => ({
        type: 'worker.timeout',
        workerId: context.workerId,
        pid: context.pid,
        phase: params.phase,
        silentMs: params.phase === 'boot' ? context.bootTimeoutMs : context.timeoutMs,
      }),
    ),
    relayRecycle: sendParent(({ context, event }): WorkerReport => {
      const { reason, detail } = event as Extract<WorkerMachineEvent, { type: 'ipc.recycle' }>;
      return { type: 'worker.recycle', workerId: context.workerId, reason, detail };
    }),
    relayStall: sendParent(({ context, event }): WorkerReport => {
      const { report } = event as Extract<WorkerMachineEvent, { type: 'ipc.stall' }>;
      return { type: 'worker.stall', workerId: context.workerId, pid: context.pid, report };
    }),
    becomeReady: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ ready: true });
      enqueue.sendParent({
        type: 'worker.ready',
        workerId: context.workerId,
      } satisfies WorkerReport);
    }),
    reportExited: sendParent(({ context }): WorkerReport => ({
      type: 'worker.exited',
      ...(context.exit as WorkerExit),
    })),
  },
  guards: {
    heartbeatWatched: ({ context }) => context.timeoutMs > 0,
    // boot-timeout 0 turns the boot check off, as timeout 0 does the heartbeat check.
    bootWatched: ({ context }) => context.bootTimeoutMs > 0,
    stopIsQuick: ({ event }) => event.type === 'worker.stop' && event.mode === 'quick',
    readyAtSpawn: ({ context }) => context.readyAfterMs === 0,
    readyByDelay: ({ context }) => (context.readyAfterMs ?? 0) > 0,
    startedAsStandby: ({ context }) => context.standby === true,
    // The master's own event loop stood still (SIGSTOP, a paused VM, a long stall) for longer
    // than this timeout could measure: the silence is the master's, not the worker's, and the
    // heartbeats that came meanwhile are still unread. The composition root provides the check
    // (actors/pause-detector.ts); by default the master is never paused.
    masterWasPaused: () => false,
  },
  delays: {
    bootTimeout: ({ context }) => context.bootTimeoutMs,
    workerTimeout: ({ context }) => context.timeoutMs,
    gracefulTimeout: ({ context }) => context.gracefulTimeoutMs,
    abortGrace: ({ context }) => context.abortGraceMs,
    readyDelay: ({ context }) => context.readyAfterMs ?? 0,
  },
}).createMachine({
  id: 'worker',
  context: ({ input }) => ({
    ...input,
    pid: null,
    cause: null,
    bootFailure: null,
    ready: false,
    stopMode: null,
    overranGrace: false,
    exit: null,
  }),
  invoke: {
    id: 'process',
    src: 'workerProcess',
    input: ({ context }) => ({
      workerId: context.workerId,
      generation: context.generation,
      ...(context.child !== undefined && { child: context.child }),
      ...(context.standby === true && { standby: true }),
    }),
  },
  initial: 'spawning',
  on: {
    'process.exited': {
      target: '.exited',
      actions: assign({
        exit: ({ context, event }) => ({
          workerId: context.workerId,
          pid: context.pid,
          code: event.code,
          signal: event.signal,
          ...exitCause(context, event),
          ...(context.overranGrace && { overranGraceMs: context.gracefulTimeoutMs }),
        }),
      }),
    },
    // A stall report can come at any time before the exit, including while aborting.
    'ipc.stall': { actions: 'relayStall' },
    'ipc.boot-failed': {
      actions: assign({
        bootFailure: ({ event }) => ({ exitCode: event.exitCode, reason: event.reason }),
      }),
    },
  },
  states: {
    spawning: {
      description: 'The process is being forked; no pid yet.',
      on: {
        'process.spawned': {
          target: 'booting',
          actions: [assign({ pid: ({ event }) => event.pid }), 'reportSpawned'],
        },
        'worker.stop': {
          target: 'draining',
          actions: assign({ stopMode: ({ event }) => event.mode }),
        },
      },
    },
    booting: {
      description:
        'Forked and loading the app. Booted is not ready: only ipc.ready makes it serve (a generic child may instead be ready at spawn or after a delay). A boot that outlasts boot-timeout is aborted.',
      always: { guard: 'readyAtSpawn', target: 'serving', actions: 'becomeReady' },
      after: {
        readyDelay: { guard: 'readyByDelay', target: 'serving', actions: 'becomeReady' },
        bootTimeout: {
          guard: 'bootWatched',
          target: 'aborting',
          actions: assign({ cause: 'boot-timeout' }),
        },
      },
      on: {
        'ipc.booted': { actions: 'reportBooted' },
        'ipc.standby': { guard: 'startedAsStandby', target: 'standby' },
        'ipc.ready': { target: 'serving', actions: 'becomeReady' },
        'worker.stop': {
          target: 'draining',
          actions: assign({ stopMode: ({ event }) => event.mode }),
        },
      },
    },
    standby: {
      description:
        'A standby: booted with the app loaded, listening on the sockets with accept stopped, so taking no connection and not counted as serving. The arbiter promotes it when a serving worker is gone or more are wanted.',
      entry: 'reportStandby',
      initial: 'held',
      on: {
        'worker.stop': {
          target: 'draining',
          actions: assign({ stopMode: ({ event }) => event.mode }),
        },
      },
      states: {
        held: {
          description:
            "Held in reserve. Its heartbeats are watched as a serving worker's are: each re-enters this state, and silence for timeout leads to an abort (timeout 0: never), unless the master itself was paused meanwhile (then the wait starts again).",
          after: {
            workerTimeout: [
              {
                guard: and(['heartbeatWatched', 'masterWasPaused']),
                target: 'held',
                reenter: true,
              },
              {
                guard: 'heartbeatWatched',
                target: '#worker.aborting',
                actions: assign({ cause: 'timeout' }),
              },
            ],
          },
          on: {
            'ipc.heartbeat': { target: 'held', reenter: true },
            'worker.promote': 'promoting',
          },
        },
        promoting: {
          description:
            'Told to serve (IPC promote): it listens on the inherited sockets and reports ready, which must happen within boot-timeout.',
          entry: 'promoteProcess',
          after: {
            bootTimeout: {
              guard: 'bootWatched',
              target: '#worker.aborting',
              actions: assign({ cause: 'boot-timeout' }),
            },
          },
          on: { 'ipc.ready': { target: '#worker.serving', actions: 'becomeReady' } },
        },
      },
    },
    serving: {
      description: 'Listening and serving; its heartbeats prove its event loop turns.',
      tags: ['ready'],
      initial: 'routing',
      on: {
        'worker.stop': {
          target: 'draining',
          actions: assign({ stopMode: ({ event }) => event.mode }),
        },
        'ipc.recycle': { actions: 'relayRecycle' },
      },
      states: {
        routing: {
          description: 'Chooses whether heartbeats are watched (timeout 0 turns the check off).',
          always: [{ guard: 'heartbeatWatched', target: 'watching' }, { target: 'unwatched' }],
        },
        watching: {
          description:
            "Each heartbeat re-enters this state and so restarts the timeout; silence for timeout leads to an abort, unless the master's own event loop was paused meanwhile (then the wait starts again, and the heartbeats that came meanwhile are read first).",
          after: {
            workerTimeout: [
              { guard: 'masterWasPaused', target: 'watching', reenter: true },
              { target: '#worker.aborting', actions: assign({ cause: 'timeout' }) },
            ],
          },
          on: { 'ipc.heartbeat': { target: 'watching', reenter: true } },
        },
        unwatched: {
          description: 'timeout is 0: the worker is never killed for silence.',
        },
      },
    },
    draining: {
      description:
        'Asked to stop: SIGTERM lets in-flight requests finish, SIGQUIT ends at once; either way it is killed after graceful-timeout.',
      entry: [
        assign({ cause: ({ context }) => context.cause ?? 'stopped' }),
        {
          type: 'signalProcess',
          params: ({ context }) => ({
            signal: context.brutalKill
              ? 'SIGKILL'
              : context.stopMode === 'quick'
                ? 'SIGQUIT'
                : 'SIGTERM',
          }),
        },
      ],
      after: { gracefulTimeout: { target: 'killing', actions: assign({ overranGrace: true }) } },
      on: {
        'worker.stop': {
          guard: 'stopIsQuick',
          actions: [
            assign({ stopMode: 'quick' }),
            { type: 'signalProcess', params: { signal: 'SIGQUIT' } },
          ],
        },
      },
    },
    aborting: {
      description:
        'Silent past its timeout (or stuck booting): sent SIGABRT so it can report where it is stuck, then SIGKILL after a short grace.',
      entry: [
        {
          type: 'reportTimeout',
          params: ({ context }) => ({
            phase: context.cause === 'boot-timeout' ? 'boot' : 'heartbeat',
          }),
        },
        {
          type: 'signalProcess',
          params: ({ context }) => ({ signal: context.abortSignal ?? 'SIGABRT' }),
        },
      ],
      after: { abortGrace: 'killing' },
    },
    killing: {
      description: 'SIGKILL sent; waiting for the exit to be reaped.',
      entry: { type: 'signalProcess', params: { signal: 'SIGKILL' } },
    },
    exited: {
      type: 'final',
      description: 'The process is gone; the arbiter is told why.',
      entry: 'reportExited',
    },
  },
  output: ({ context }) => context.exit as WorkerExit,
});

export type WorkerMachine = typeof workerMachine;
