/**
 * The arbiter: the master's statechart, after Gunicorn's Arbiter.
 *
 * States: serving (booting → running ⇄ reloading) → stopping → halted; running's own states
 * are the standby pool's (`--standby`): noStandby, standbyWarming, standbyHeld, promoting.
 * Events in: `signal.*` from the invoked `signals` actor, `worker.*` reports from the worker
 * machines it spawns (one per process, `systemId` `worker-N`), `upgrade.*` from the `upgrade`
 * actor it spawns on USR2, and `arbiter.stop` from an embedding program. Emits
 * {@link ArbiterEmitted} for observers (logs, the live view); never logs itself.
 * Output: {@link ArbiterOutput}, the master's exit code and the reason.
 *
 * Every decision converges (plan-convergence.ts): spawn the shortfall of current workers, retire
 * the excess, and retire outgoing workers (old generation, recycled) only as ready replacements
 * allow. Scaling, crash replacement, reload, recycling and WINCH all reuse that one rule, and
 * so does the standby pool: a missing serving worker is a held standby promoted before it is a
 * new fork (standby-pool.ts).
 */
import { arbiterSetup, output } from './arbiter-setup.ts';
import type { ArbiterEvent, SignalName } from './arbiter-types.ts';
import { haltReason } from './halt-reason.ts';
import { initialRestartState } from './restart-policy.ts';
import type { StandbyStage } from './standby-pool.ts';

export type * from './arbiter-types.ts';

const asExit = (event: ArbiterEvent) => event as Extract<ArbiterEvent, { type: 'worker.exited' }>;
const signalled = (signal: SignalName, handled = true) => ({
  type: 'emitSignal' as const,
  params: { signal, handled },
});
const suspendStandby = (because: 'boot' | 'crashes') => ({
  type: 'suspendStandby' as const,
  params: { because },
});
/** A standby stage is left for `routing` as soon as the worker table says another one. */
const leaveStage = (stage: StandbyStage) => ({
  guard: { type: 'standbyStageLeft' as const, params: { stage } },
  target: 'routing',
});

export const arbiterMachine = arbiterSetup.createMachine({
  id: 'arbiter',
  context: ({ input }) => ({
    pool: input.pool ?? null,
    timings: input.timings,
    policy: input.policy,
    target: Math.max(1, input.workers),
    configuredWorkers: input.workers,
    standby: input.standby ?? 0,
    standbyFailedIn: null,
    paused: false,
    generation: 1,
    lastGeneration: 1,
    rollbackGeneration: null,
    rollbackSettings: null,
    reloadQueued: false,
    nextWorkerId: 1,
    workers: {},
    recycleQueue: [],
    restarts: initialRestartState(input.seed ?? 1),
    holdSpawns: false,
    backoffDelayMs: 0,
    upgrading: false,
    stopMode: null,
    halt: null,
  }),
  invoke: { id: 'signals', src: 'signals' },
  initial: 'serving',
  on: {
    'worker.spawned': { actions: 'recordSpawned' },
    'worker.timeout': { actions: 'relayReport' },
    'worker.stall': { actions: 'relayReport' },
    'restart.expired': { actions: 'expireRestart' },
    'restart.stable': { actions: 'restoreRestarts' },
    'upgrade.started': { actions: 'upgradeStarted' },
    'upgrade.exited': { actions: 'upgradeEnded' },
    // The reopen itself is an effect: actors/log-reopen.ts answers this emitted signal.
    'signal.usr1': { actions: signalled('usr1') },
  },
  states: {
    serving: {
      description:
        'Keeps the live worker count at the target: spawns, replaces, recycles and retires workers.',
      initial: 'booting',
      entry: 'converge',
      on: {
        'worker.ready': { actions: ['recordReady', 'converge'] },
        'worker.standby': { actions: ['recordStandby', 'converge'] },
        'worker.recycle': { actions: ['markRecycle', 'converge'] },
        'worker.exited': [
          { guard: 'exitRequested', actions: ['forgetWorker', 'converge'] },
          {
            guard: 'standbyBootFailed',
            actions: ['forgetWorker', suspendStandby('boot'), 'converge'],
          },
          { guard: 'restartAllowedNow', actions: ['forgetWorker', 'restartNow', 'converge'] },
          { guard: 'restartAllowedLater', actions: ['forgetWorker', 'restartLater', 'converge'] },
          // Standbys that keep crashing past the budget cost the pool, never the serving master.
          {
            guard: 'standbyExited',
            actions: ['forgetWorker', suspendStandby('crashes'), 'converge'],
          },
          { target: 'stopping', actions: ['forgetWorker', 'haltForCrashLoop'] },
        ],
        'restart.resume': { actions: ['resumeRestarts', 'converge'] },
        'recycle.started': { actions: 'emitRecycling' },
        'signal.ttin': {
          actions: [signalled('ttin'), { type: 'scaleBy', params: { delta: 1 } }, 'converge'],
        },
        'signal.ttou': {
          actions: [signalled('ttou'), { type: 'scaleBy', params: { delta: -1 } }, 'converge'],
        },
        'signal.winch': { actions: [signalled('winch'), 'pause', 'converge'] },
        'signal.hup': { target: '.reloading', actions: signalled('hup') },
        'signal.usr2': { actions: [signalled('usr2'), 'startUpgrade'] },
        'signal.term': {
          target: 'stopping',
          actions: [signalled('term'), { type: 'chooseStop', params: { mode: 'graceful' } }],
        },
        'signal.int': {
          target: 'stopping',
          actions: [signalled('int'), { type: 'chooseStop', params: { mode: 'quick' } }],
        },
        'signal.quit': {
          target: 'stopping',
          actions: [signalled('quit'), { type: 'chooseStop', params: { mode: 'quick' } }],
        },
        'arbiter.stop': {
          target: 'stopping',
          actions: { type: 'chooseStop', params: ({ event }) => ({ mode: event.mode }) },
        },
      },
      states: {
        booting: {
          description:
            'The first workers are starting; the server counts as ready when the target number report ready. A boot failure now halts the master (exit 3 or 4), as in Gunicorn.',
          always: { guard: 'allReady', target: 'running', actions: 'emitReady' },
          on: {
            'worker.exited': {
              guard: 'bootFailed',
              target: '#arbiter.stopping',
              actions: ['forgetWorker', 'haltForBootFailure'],
            },
          },
        },
        running: {
          description:
            "Serving with the target number of workers. Crashes (and failed boots) are replaced within the restart budget, then with backoff; TTIN/TTOU rescale; WINCH stops all workers until HUP. Its own states are the standby pool's.",
          tags: ['ready'],
          always: { guard: 'reloadQueued', target: 'reloading' },
          initial: 'routing',
          states: {
            routing: {
              description: 'Chooses the standby stage from the worker table.',
              always: [
                { guard: 'standbyPromoting', target: 'promoting' },
                { guard: 'standbyNone', target: 'noStandby' },
                { guard: 'standbyAllHeld', target: 'standbyHeld' },
                { target: 'standbyWarming' },
              ],
            },
            noStandby: {
              description:
                'No standby is kept: standby is 0 (the default), WINCH stopped the workers, or in this generation a standby failed to boot or standbys kept crashing past the restart budget (none again until the next reload).',
              always: leaveStage('none'),
            },
            standbyWarming: {
              description:
                'Fewer standbys held than standby asks. They boot only once the target number of workers serve, and only while the worker processes (stopping ones included) stay within workers + standby.',
              always: leaveStage('warming'),
            },
            standbyHeld: {
              description:
                'Every standby is booted with the app loaded and held, listening with accept stopped and not counted. A serving worker that exits (crash, timeout, recycle) or a TTIN promotes one at once.',
              always: leaveStage('held'),
            },
            promoting: {
              description:
                'A standby was told to serve in place of a missing worker: it listens on the sockets and counts once it reports ready. Only then does a new standby boot.',
              always: leaveStage('promoting'),
            },
          },
        },
        reloading: {
          description:
            'HUP: re-reads the settings, starts a new generation of workers, and retires an old worker only when a new one is ready. If the new generation fails to boot, the old one keeps serving.',
          tags: ['ready'],
          initial: 'loading',
          entry: 'startReload',
          on: {
            'signal.hup': { actions: [signalled('hup'), 'queueReload'] },
            'worker.exited': {
              guard: 'newGenerationFailed',
              target: 'running',
              actions: [
                'forgetWorker',
                {
                  type: 'rollBack',
                  params: ({ event }) => ({ reason: haltReason(asExit(event)) }),
                },
                'converge',
              ],
            },
          },
          states: {
            loading: {
              description:
                'Reading the settings again (environment, config, original command line).',
              invoke: {
                src: 'reloadSettings',
                input: ({ context }) => ({
                  generation: context.lastGeneration + 1,
                  ...(context.pool !== null && { pool: context.pool }),
                }),
                onDone: { target: 'rolling', actions: ['applyGeneration', 'converge'] },
                onError: {
                  target: '#arbiter.serving.running',
                  actions: [
                    {
                      type: 'rollBack',
                      params: ({ event }) => ({
                        reason: `the settings could not be read again: ${String(event.error)}`,
                      }),
                    },
                    'converge',
                  ],
                },
              },
            },
            rolling: {
              description:
                'New workers boot; each one that becomes ready lets one old worker retire.',
              // The new generation's standbys boot from here on (converge), after its workers.
              always: {
                guard: 'reloadSettled',
                target: '#arbiter.serving.running',
                actions: ['finishReload', 'converge'],
              },
            },
          },
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
          actions: [signalled('int'), 'escalateToQuick'],
        },
        'signal.quit': {
          guard: 'stoppingGracefully',
          actions: [signalled('quit'), 'escalateToQuick'],
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

export type ArbiterMachine = typeof arbiterMachine;
