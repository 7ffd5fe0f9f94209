/**
 * The supervisor's vocabulary: the actors it spawns (stubs here; real ones come through
 * provide()), and its named actions, guards and delays. The statechart is in
 * supervisor-machine.ts.
 */
import { assign, emit, enqueueActions, fromCallback, setup, type AnyActorLogic } from 'xstate';
import { ExitCode } from '../../protocol/exit-codes.ts';
import { arbiterMachine } from '../arbiter-machine.ts';
import { afterRestart, decideRestart, restartExpired, restartStable } from '../restart-policy.ts';
import { countRestart, endBackoff, startBackoff } from '../restart-timers.ts';
import { workerMachine, type StopMode } from '../worker-machine.ts';
import { childErrorMeaning, childExitMeaning, type ChildExitMeaning } from './child-exit.ts';
import {
  afterExit,
  downChild,
  markGroup,
  patchChild,
  restartGroup,
  restartsAfter,
  without,
} from './child-table.ts';
import { allWantedReady, noneAlive, planSupervision } from './supervision-plan.ts';
import type {
  ChildPlan,
  SupervisorContext,
  SupervisorEmitted,
  SupervisorEvent,
  SupervisorInput,
  SupervisorOutput,
} from './supervisor-types.ts';

type Args = { context: SupervisorContext; event: SupervisorEvent };

const EXIT_PREFIXES = ['xstate.done.actor.', 'xstate.error.actor.'];

/**
 * The child (its id among its siblings) an `xstate.done.actor.*`, `xstate.error.actor.*` or
 * `xstate.snapshot.*` event is about. Child actors are named by their paths (`root/jobs/a`), so
 * the inspector shows each by where it sits.
 */
export function childIdOf(
  context: Pick<SupervisorContext, 'path'>,
  event: SupervisorEvent,
): string {
  const prefix = [...EXIT_PREFIXES, 'xstate.snapshot.'].find((p) => event.type.startsWith(p));
  const actorId =
    'actorId' in event && typeof event.actorId === 'string'
      ? event.actorId
      : prefix === undefined
        ? ''
        : event.type.slice(prefix.length);
  const own = `${context.path}/`;
  return actorId.startsWith(own) ? actorId.slice(own.length) : actorId;
}

export const childPath = (context: SupervisorContext, id: string) => `${context.path}/${id}`;

/** What an exit event says about the child it is about (undefined: no such child). */
function exitOf({ context, event }: Args) {
  const id = childIdOf(context, event);
  const plan = context.plans[id];
  const child = context.children[id];
  if (plan === undefined || child === undefined || child.phase === 'down') return undefined;
  const meaning: ChildExitMeaning = event.type.startsWith('xstate.error.actor.')
    ? childErrorMeaning((event as { error: unknown }).error)
    : childExitMeaning(plan, (event as { output: unknown }).output);
  return { id, plan, child, meaning, restart: restartsAfter(plan, child, meaning) };
}

function stopEventFor(plan: ChildPlan, mode: StopMode) {
  if (plan.kind === 'process') return { type: 'worker.stop' as const, mode };
  if (plan.kind === 'pool') return { type: 'arbiter.stop' as const, mode };
  return { type: 'supervisor.stop' as const, mode };
}

/** The failure chain of a child, from it down: a nested supervisor's own, or one line. */
function failureChain(context: SupervisorContext, id: string, meaning: ChildExitMeaning) {
  return meaning.chain.length > 0
    ? meaning.chain
    : [`${childPath(context, id)} ${meaning.description}`];
}

export const supervisorSetup = setup({
  types: {
    context: {} as SupervisorContext,
    input: {} as SupervisorInput,
    events: {} as SupervisorEvent,
    output: {} as SupervisorOutput,
    emitted: {} as SupervisorEmitted,
  },
  actors: {
    worker: workerMachine,
    pool: arbiterMachine,
    // A stub: the composition root provides the OS-signal stream for the root supervisor only.
    signals: fromCallback<{ type: 'noop' }, { path: string }>(() => undefined),
  },
  actions: {
    converge: enqueueActions(({ context, enqueue, self }) => {
      const step = planSupervision({
        order: context.order,
        children: context.children,
        parallel: context.strategy === 'simple_one_for_one',
        holdSpawns: context.holdSpawns,
      });
      let children = context.children;
      let nextInstance = context.nextInstance;
      const mode = context.stopMode ?? 'graceful';
      for (const id of step.stop) {
        children = patchChild(children, id, { phase: 'stopping' });
        enqueue.sendTo(childPath(context, id), stopEventFor(context.plans[id]!, mode));
      }
      for (const id of step.start) {
        const plan = context.plans[id]!;
        const instance = nextInstance++;
        const path = childPath(context, id);
        children = patchChild(children, id, { phase: 'starting', instance });
        // Before the spawn: a nested supervisor reports its own children as it starts.
        enqueue.emit({ type: 'child.started', path, kind: plan.kind, instance });
        const options = { id: path, systemId: path, syncSnapshot: true };
        if (plan.kind === 'process') {
          const input = { ...plan.input, workerId: instance, generation: 1, child: path };
          enqueue.spawnChild('worker', { ...options, input });
        } else if (plan.kind === 'pool') {
          enqueue.spawnChild('pool', { ...options, input: { ...plan.input, pool: path } });
        } else {
          // A nested supervisor runs this very logic, with whatever was provided to it.
          const logic = (self as unknown as { logic: AnyActorLogic }).logic;
          enqueue.spawnChild(logic as never, { ...options, input: plan.input } as never);
          enqueue.sendTo(path, { type: 'supervisor.start' });
        }
      }
      enqueue.assign({ children, nextInstance });
    }),
    recordSpawned: enqueueActions(({ context, enqueue, event }) => {
      if (event.type !== 'worker.spawned') return;
      const id = idOfInstance(context, event.workerId);
      if (id === undefined) return;
      enqueue.assign({ children: patchChild(context.children, id, { pid: event.pid }) });
      enqueue.emit({ type: 'child.spawned', path: childPath(context, id), pid: event.pid });
    }),
    relayTimeout: enqueueActions(({ context, enqueue, event }) => {
      if (event.type !== 'worker.timeout') return;
      const id = idOfInstance(context, event.workerId);
      if (id === undefined) return;
      const { type: _type, workerId: _workerId, ...timeout } = event;
      enqueue.emit({ type: 'child.timeout', path: childPath(context, id), ...timeout });
    }),
    markReady: enqueueActions(({ context, enqueue, event }) => {
      const id = childIdOf(context, event);
      enqueue.assign({ children: patchChild(context.children, id, { phase: 'ready' }) });
      const pid = context.children[id]?.pid ?? null;
      enqueue.emit({ type: 'child.ready', path: childPath(context, id), pid });
    }),
    recordExit: enqueueActions(({ context, enqueue, event }, params: { outcome?: 'give-up' }) => {
      const exit = exitOf({ context, event });
      if (exit === undefined) return;
      enqueue.stopChild(childPath(context, exit.id));
      enqueue.assign(afterExit(context, exit.id, exit.restart));
      const outcome =
        params.outcome ??
        (exit.restart ? 'restart' : exit.child.stopRequested ? 'stopped' : 'done');
      enqueue.emit({
        type: 'child.exited',
        path: childPath(context, exit.id),
        pid: exit.child.pid ?? exit.meaning.pid,
        normal: exit.meaning.normal,
        description: exit.meaning.description,
        outcome,
      });
    }),
    restartGroup: enqueueActions(({ context, enqueue, event }) => {
      const id = childIdOf(context, event);
      const group = restartGroup(context.strategy, context.order, context.children, id);
      if (group.length === 0) return;
      enqueue.assign({ children: markGroup(context.children, context.plans, group) });
      const paths = [id, ...group].map((other) => childPath(context, other));
      enqueue.emit({
        type: 'children.restarting',
        path: context.path,
        strategy: context.strategy,
        children: paths,
      });
    }),
    countRestartNow: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ restarts: afterRestart(context.restarts, { kind: 'now' }, context.policy) });
      countRestart(enqueue);
    }),
    countRestartLater: enqueueActions(({ context, enqueue }) => {
      const wait = startBackoff(enqueue, context.restarts, context.policy);
      if (wait === null) return;
      enqueue.assign({ restarts: wait.restarts, holdSpawns: true, backoffDelayMs: wait.delayMs });
      enqueue.emit({
        type: 'restart.delayed',
        path: context.path,
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
    giveUp: enqueueActions(({ context, enqueue, event }) => {
      const exit = exitOf({ context, event });
      const decision = decideRestart(context.restarts, context.policy);
      const budget = decision.kind === 'give-up' ? decision.reason : 'restart budget used up';
      const head = `${context.path} gave up: ${budget}`;
      const chain = [head, ...(exit ? failureChain(context, exit.id, exit.meaning) : [])];
      enqueue.assign({
        stopMode: 'graceful',
        halt: { exitCode: ExitCode.Error, reason: chain.join(' ← '), chain },
      });
      enqueue.emit({ type: 'supervisor.gave-up', path: context.path, reason: chain.join(' ← ') });
    }),
    chooseStop: assign((_, params: { mode: StopMode }) => ({ stopMode: params.mode })),
    stopEveryChild: enqueueActions(({ context, enqueue }) => {
      let children = context.children;
      for (const id of context.order) {
        const phase = children[id]?.phase;
        const running = phase === 'starting' || phase === 'ready';
        children = patchChild(children, id, { wanted: false, stopRequested: running });
      }
      enqueue.assign({ children, holdSpawns: false });
      enqueue.cancel('restart-resume');
      enqueue.emit({
        type: 'supervisor.stopping',
        path: context.path,
        mode: context.stopMode ?? 'graceful',
      });
    }),
    escalateToQuick: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ stopMode: 'quick' });
      for (const id of context.order) {
        if (context.children[id]?.phase === 'stopping')
          enqueue.sendTo(childPath(context, id), stopEventFor(context.plans[id]!, 'quick'));
      }
    }),
    forwardToChildren: enqueueActions(({ context, enqueue, event }) => {
      for (const id of context.order) {
        const plan = context.plans[id]!;
        const phase = context.children[id]?.phase;
        if (plan.kind !== 'process' && (phase === 'starting' || phase === 'ready'))
          enqueue.sendTo(childPath(context, id), event);
      }
    }),
    forwardToChild: enqueueActions(({ context, enqueue, event }) => {
      if (event.type !== 'supervisor.forward') return;
      const phase = context.children[event.id]?.phase;
      if (phase === 'starting' || phase === 'ready')
        enqueue.sendTo(childPath(context, event.id), event.event);
      else refuse(context, enqueue, `no running child ${event.id} to send ${event.event.type} to`);
    }),
    startChild: enqueueActions(({ context, enqueue, event }) => {
      if (event.type !== 'supervisor.start-child') return;
      const child = context.children[event.id];
      if (child === undefined) return refuse(context, enqueue, `no child ${event.id}`);
      if (child.phase === 'down')
        enqueue.assign({ children: patchChild(context.children, event.id, { wanted: true }) });
    }),
    stopChildOnRequest: enqueueActions(({ context, enqueue, event }) => {
      if (event.type !== 'supervisor.stop-child' && event.type !== 'supervisor.remove-child')
        return;
      const child = context.children[event.id];
      if (child === undefined) return refuse(context, enqueue, `no child ${event.id}`);
      const remove = event.type === 'supervisor.remove-child';
      if (child.phase === 'down' && remove) return void enqueue.assign(without(context, event.id));
      const running = child.phase === 'starting' || child.phase === 'ready';
      enqueue.assign({
        children: patchChild(context.children, event.id, {
          wanted: false,
          stopRequested: running,
          remove: remove || child.remove,
        }),
      });
    }),
    restartChildOnRequest: enqueueActions(({ context, enqueue, event }) => {
      if (event.type !== 'supervisor.restart-child') return;
      const child = context.children[event.id];
      if (child === undefined) return refuse(context, enqueue, `no child ${event.id}`);
      const running = child.phase === 'starting' || child.phase === 'ready';
      enqueue.assign({
        children: patchChild(context.children, event.id, {
          wanted: true,
          stopRequested: running,
        }),
      });
    }),
    addChild: enqueueActions(({ context, enqueue, event }) => {
      if (event.type !== 'supervisor.add-child') return;
      const plan = planToAdd(context, event.id, event.plan);
      if (typeof plan === 'string') return refuse(context, enqueue, plan);
      enqueue.assign({
        plans: { ...context.plans, [event.id]: plan },
        order: [...context.order, event.id],
        children: { ...context.children, [event.id]: downChild() },
      });
    }),
    emitStarted: emit(({ context }) => ({
      type: 'supervisor.started' as const,
      path: context.path,
      children: context.order.length,
    })),
    emitReady: emit(({ context }) => ({
      type: 'supervisor.ready' as const,
      path: context.path,
      children: context.order.length,
    })),
    emitHalted: emit(({ context }) => ({
      type: 'supervisor.halted' as const,
      path: context.path,
      ...output(context),
    })),
  },
  guards: {
    allWantedReady: ({ context }) => allWantedReady(context.children),
    noneAlive: ({ context }) => noneAlive(context.children),
    childBecameReady: ({ context, event }) => {
      if (!event.type.startsWith('xstate.snapshot.')) return false;
      const snapshot = (event as { snapshot: { hasTag?: (tag: string) => boolean } }).snapshot;
      const child = context.children[childIdOf(context, event)];
      return child?.phase === 'starting' && snapshot.hasTag?.('ready') === true;
    },
    unknownExit: (args) => exitOf(args) === undefined,
    exitNotRestarted: (args) => exitOf(args)?.restart === false,
    restartAllowedNow: ({ context }) =>
      decideRestart(context.restarts, context.policy).kind === 'now',
    restartAllowedLater: ({ context }) =>
      decideRestart(context.restarts, context.policy).kind === 'wait',
    stoppingGracefully: ({ context }) => context.stopMode !== 'quick',
    quickStopAsked: ({ event }) =>
      event.type !== 'supervisor.stop' || (event.mode ?? 'graceful') === 'quick',
  },
  delays: {
    restartPeriod: ({ context }) => context.policy.periodMs,
    restartBackoff: ({ context }) => context.backoffDelayMs,
  },
});

function idOfInstance(context: SupervisorContext, instance: number): string | undefined {
  return context.order.find((id) => context.children[id]?.instance === instance);
}

function refuse(
  context: SupervisorContext,
  enqueue: { emit: (event: SupervisorEmitted) => void },
  reason: string,
): void {
  enqueue.emit({ type: 'supervisor.refused', path: context.path, reason });
}

/** The plan an add-child request adds, or why it is refused. */
function planToAdd(context: SupervisorContext, id: string, given?: ChildPlan): ChildPlan | string {
  if (context.plans[id] !== undefined) return `a child ${id} already exists`;
  if (context.strategy === 'simple_one_for_one') {
    if (context.template === null) return 'this supervisor has no template to add a child from';
    return withId(context, context.template, id);
  }
  if (given === undefined)
    return `add-child ${id}: a plan is needed (only simple_one_for_one has a template)`;
  return withId(context, given, id);
}

function withId(context: SupervisorContext, plan: ChildPlan, id: string): ChildPlan {
  if (plan.kind !== 'supervisor') return { ...plan, id };
  return { ...plan, id, input: { ...plan.input, path: childPath(context, id) } };
}

export function output(context: SupervisorContext): SupervisorOutput {
  return context.halt ?? { exitCode: ExitCode.Ok, reason: 'stopped on request', chain: [] };
}
