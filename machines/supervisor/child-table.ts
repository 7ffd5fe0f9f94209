/**
 * Pure updates of a supervisor's child table: what an exit, a restart group or a request does to
 * the children's states. Kept out of the machine so each rule reads on its own.
 */
import type { ChildExitMeaning } from './child-exit.ts';
import type { ChildPlan, ChildState, Strategy, SupervisorContext } from './supervisor-types.ts';

type Children = Record<string, ChildState>;

export function downChild(wanted = true): ChildState {
  return {
    phase: 'down',
    wanted,
    stopRequested: false,
    remove: false,
    instance: null,
    pid: null,
    restarts: 0,
  };
}

export function patchChild(children: Children, id: string, patch: Partial<ChildState>): Children {
  const child = children[id];
  return child === undefined ? children : { ...children, [id]: { ...child, ...patch } };
}

/**
 * Whether an exit is to be restarted: not when the supervisor asked for it (a stop, or a
 * restart group, which starts it again by itself), and otherwise by the restart type.
 */
export function restartsAfter(plan: ChildPlan, child: ChildState, meaning: ChildExitMeaning) {
  if (child.stopRequested || !child.wanted) return false;
  if (plan.restart === 'permanent') return true;
  return plan.restart === 'transient' && !meaning.normal;
}

/** The table after a child exited, and whether its entry is gone for good. */
export function afterExit(
  context: Pick<SupervisorContext, 'children' | 'plans' | 'order' | 'strategy'>,
  id: string,
  restart: boolean,
): Pick<SupervisorContext, 'children' | 'plans' | 'order'> {
  const child = context.children[id]!;
  const wanted = child.stopRequested ? child.wanted : restart;
  const plan = context.plans[id]!;
  const dynamic = context.strategy === 'simple_one_for_one';
  const remove = child.remove || (!wanted && (plan.restart === 'temporary' || dynamic));
  if (remove) return without(context, id);
  const next: ChildState = {
    ...child,
    phase: 'down',
    wanted,
    stopRequested: false,
    instance: null,
    pid: null,
    restarts: child.restarts + (restart ? 1 : 0),
  };
  return {
    children: { ...context.children, [id]: next },
    plans: context.plans,
    order: context.order,
  };
}

export function without(
  context: Pick<SupervisorContext, 'children' | 'plans' | 'order'>,
  id: string,
): Pick<SupervisorContext, 'children' | 'plans' | 'order'> {
  const { [id]: _child, ...children } = context.children;
  const { [id]: _plan, ...plans } = context.plans;
  return { children, plans, order: context.order.filter((other) => other !== id) };
}

/**
 * The siblings a failure takes down with it: all others (one_for_all), the ones started after it
 * (rest_for_one), or none. They are stopped in reverse order and started again in order, except
 * temporary ones, which OTP never restarts, not even for a sibling.
 */
export function restartGroup(
  strategy: Strategy,
  order: readonly string[],
  children: Children,
  failed: string,
): string[] {
  const running = (id: string) => {
    const phase = children[id]?.phase;
    return phase === 'starting' || phase === 'ready';
  };
  if (strategy === 'one_for_all') return order.filter((id) => id !== failed && running(id));
  if (strategy === 'rest_for_one') {
    return order.slice(order.indexOf(failed) + 1).filter(running);
  }
  return [];
}

export function markGroup(children: Children, plans: Record<string, ChildPlan>, group: string[]) {
  let next = children;
  for (const id of group) {
    const temporary = plans[id]?.restart === 'temporary';
    next = patchChild(next, id, {
      stopRequested: true,
      ...(temporary && { wanted: false, remove: true }),
    });
  }
  return next;
}
