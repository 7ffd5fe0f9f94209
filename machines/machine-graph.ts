/**
 * A machine definition read as a graph: its states with their descriptions, and each state's
 * outgoing transitions with a readable label. The Mermaid diagrams of docs/machines.md and the
 * status page's drawn statecharts both come from here, so neither can drift from the code.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';

export interface StateEdge {
  /** The target state node. */
  target: AnyStateNode;
  /** `signal.hup`, `after workerTimeout`, `always [allReady]`. */
  label: string;
}

export function childStates(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states);
}

/** Every state of the machine but its root, parents before their children. */
export function allStates(machine: AnyStateMachine): AnyStateNode[] {
  const below = (node: AnyStateNode): AnyStateNode[] =>
    childStates(node).flatMap((child) => [child, ...below(child)]);
  return below(machine.root);
}

/** The child a compound state enters first, if it has one. */
export function initialChild(node: AnyStateNode): AnyStateNode | undefined {
  return node.initial?.target?.[0];
}

/** A state's dotted path: `serving.reloading.rolling`. */
export function dottedPath(node: AnyStateNode): string {
  return node.path.join('.');
}

/**
 * Every transition that leaves `node` for a target: event transitions first, in definition
 * order, then eventless (`always`) ones.
 *
 * @example
 * stateEdges(workerMachine.root.states.booting).map((e) => e.label); // ['ipc.ready', ...]
 */
export function stateEdges(node: AnyStateNode): StateEdge[] {
  const edges: StateEdge[] = [];
  for (const [eventType, transitions] of node.transitions) {
    for (const transition of transitions) {
      for (const target of transition.target ?? []) {
        edges.push({ target, label: edgeLabel(eventType, transition.guard) });
      }
    }
  }
  for (const transition of node.always ?? []) {
    for (const target of transition.target ?? []) {
      edges.push({ target, label: edgeLabel('always', transition.guard) });
    }
  }
  return edges;
}

function edgeLabel(eventType: string, guard: unknown): string {
  const after = /^xstate\.after\.(\w+)\./.exec(eventType);
  // An invoked actor's outcome: `xstate.done.actor.0.arbiter.serving.reloading.loading`.
  const settled = /^xstate\.(done|error)\.actor\.(?:.*\.)?(\w+)$/.exec(eventType);
  const event = after
    ? `after ${after[1]}`
    : settled
      ? `${settled[2]} ${settled[1] === 'done' ? 'done' : 'failed'}`
      : eventType;
  const guardName =
    typeof guard === 'string' ? guard : (guard as { type?: string } | undefined)?.type;
  return guardName === undefined ? event : `${event} [${guardName}]`;
}
