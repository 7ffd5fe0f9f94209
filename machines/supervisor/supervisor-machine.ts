/**
 * A supervisor: Erlang/OTP's supervisor behaviour as a statechart, over any children (process
 * children, HTTP pools, other supervisors).
 *
 * States: supervising (starting → running) → stopping → halted.
 * Children start in order, each once the one before it is ready, and stop in reverse order
 * (supervision-plan.ts). An exit is restarted by the child's restart type and the strategy:
 * one_for_one restarts the child alone, one_for_all every child, rest_for_one the children
 * started after it, simple_one_for_one (dynamic children of one template) the child alone. More
 * than `intensity` restarts within `period` and the supervisor gives up: it stops its children
 * and halts with exit 1 and the chain of reasons, which its own supervisor counts as one failure
 * of this child (escalation), up to the root.
 *
 * Events in: `supervisor.*` requests, `signal.*` (the root's OS signals), children's reports
 * (snapshots for readiness, `xstate.done.actor.*` for exits). Emits {@link SupervisorEmitted}
 * for observers; never logs itself. Output: {@link SupervisorOutput}.
 */
import { initialRestartState } from '../restart-policy.ts';
import { downChild } from './child-table.ts';
import { output, supervisorSetup } from './supervisor-setup.ts';

export type * from './supervisor-types.ts';

const recordExit = { type: 'recordExit', params: {} } as const;

// The same rules for a child that ended and one whose logic failed.
const exitTransitions = [
  { guard: 'unknownExit' },
  { guard: 'exitNotRestarted', actions: [recordExit, 'converge'] },
  {
    guard: 'restartAllowedNow',
    actions: [recordExit, 'restartGroup', 'countRestartNow', 'converge'],
  },
  {
    guard: 'restartAllowedLater',
    actions: [recordExit, 'restartGroup', 'countRestartLater', 'converge'],
  },
  {
    target: '#supervisor.stopping',
    actions: ['giveUp', { type: 'recordExit', params: { outcome: 'give-up' } }],
  },
] as const;

export const supervisorMachine = supervisorSetup.createMachine({
  id: 'supervisor',
  context: ({ input }) => ({
    path: input.path,
    strategy: input.strategy,
    policy: input.policy,
    plans: Object.fromEntries(input.children.map((plan) => [plan.id, plan])),
    order: input.children.map((plan) => plan.id),
    children: Object.fromEntries(input.children.map((plan) => [plan.id, downChild()])),
    template: input.template ?? null,
    nextInstance: 1,
    restarts: initialRestartState(input.seed ?? 1),
    holdSpawns: false,
    backoffDelayMs: 0,
    stopMode: null,
    halt: null,
  }),
  invoke: { id: 'signals', src: 'signals', input: ({ context }) => ({ path: context.path }) },
  initial: 'idle',
  on: {
    'xstate.snapshot.*': { guard: 'childBecameReady', actions: ['markReady', 'converge'] },
    'worker.spawned': { actions: 'recordSpawned' },
    'worker.timeout': { actions: 'relayTimeout' },
    'restart.expired': { actions: 'expireRestart' },
    'restart.stable': { actions: 'restoreRestarts' },
    'supervisor.forward': { actions: 'forwardToChild' },
    'signal.hup': { actions: 'forwardToChildren' },
    'signal.ttin': { actions: 'forwardToChildren' },
    'signal.ttou': { actions: 'forwardToChildren' },
    'signal.usr1': { actions: 'forwardToChildren' },
    'signal.winch': { actions: 'forwardToChildren' },
  },
  states: {
    idle: {
      description:
        'Created, nothing started yet: it starts on supervisor.start, sent by whoever created it (its parent sends it right after the spawn), so observers see a supervisor announced before anything it starts.',
      on: {
        'supervisor.start': 'supervising',
        'supervisor.stop': 'halted',
      },
    },
    supervising: {
      description:
        'Keeps its children running: starts them in order, each once the one before it is ready, and restarts exits by restart type and strategy within the restart intensity.',
      initial: 'starting',
      entry: ['emitStarted', 'converge'],
      on: {
        'xstate.done.actor.*': exitTransitions,
        'xstate.error.actor.*': exitTransitions,
        'restart.resume': { actions: ['resumeRestarts', 'converge'] },
        'supervisor.start-child': { actions: ['startChild', 'converge'] },
        'supervisor.stop-child': { actions: ['stopChildOnRequest', 'converge'] },
        'supervisor.remove-child': { actions: ['stopChildOnRequest', 'converge'] },
        'supervisor.restart-child': { actions: ['restartChildOnRequest', 'converge'] },
        'supervisor.add-child': { actions: ['addChild', 'converge'] },
        'supervisor.stop': {
          target: 'stopping',
          actions: {
            type: 'chooseStop',
            params: ({ event }) => ({ mode: event.mode ?? 'graceful' }),
          },
        },
        'signal.term': {
          target: 'stopping',
          actions: { type: 'chooseStop', params: { mode: 'graceful' } },
        },
        'signal.int': {
          target: 'stopping',
          actions: { type: 'chooseStop', params: { mode: 'quick' } },
        },
        'signal.quit': {
          target: 'stopping',
          actions: { type: 'chooseStop', params: { mode: 'quick' } },
        },
      },
      states: {
        starting: {
          description:
            'The first start: children are started one by one in order; the supervisor is ready (to its own parent too) once every child is.',
          always: { guard: 'allWantedReady', target: 'running', actions: 'emitReady' },
        },
        running: {
          description:
            'Every child has started once. Exits are restarted as the strategy says; children can be added, stopped, restarted and removed on request.',
          tags: ['ready'],
        },
      },
    },
    stopping: {
      description:
        'Stops every child in reverse order, each after the one started after it has exited (dynamic children side by side); a quick stop on top of a graceful one makes it quick.',
      entry: ['stopEveryChild', 'converge'],
      always: { guard: 'noneAlive', target: 'halted' },
      on: {
        // Every child is on its way out: an exit is only recorded, whatever it was.
        'xstate.done.actor.*': { actions: [recordExit, 'converge'] },
        'xstate.error.actor.*': { actions: [recordExit, 'converge'] },
        'supervisor.stop': { guard: 'quickStopAsked', actions: 'escalateToQuick' },
        'signal.int': { guard: 'stoppingGracefully', actions: 'escalateToQuick' },
        'signal.quit': { guard: 'stoppingGracefully', actions: 'escalateToQuick' },
      },
    },
    halted: {
      type: 'final',
      description:
        'Every child is gone; the output carries the exit code and the chain of reasons.',
      entry: 'emitHalted',
    },
  },
  output: ({ context }) => output(context),
});

export type SupervisorMachine = typeof supervisorMachine;
