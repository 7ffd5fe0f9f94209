/**
 * A machine snapshot's state as one readable string, and the description of the state it names,
 * for views that show a worker "in serving.watching: Each heartbeat re-enters this state...".
 */
import type { AnyStateMachine, StateValue } from 'xstate';

/**
 * The deepest active state of a snapshot value, dotted: `{ serving: 'watching' }` gives
 * `serving.watching`. Machines here have no parallel states, so one path describes the value.
 *
 * @example
 * statePath({ serving: { reloading: 'rolling' } }); // 'serving.reloading.rolling'
 */
export function statePath(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [key, inner] = Object.entries(value)[0] ?? [];
  if (key === undefined) return '';
  return inner === undefined ? key : `${key}.${statePath(inner as StateValue)}`;
}

/** The description of the state at a dotted path, or '' when the machine has none there. */
export function stateDescription(machine: AnyStateMachine, path: string): string {
  let node = machine.root;
  for (const key of path.split('.')) {
    const next = node.states[key];
    if (next === undefined) return '';
    node = next;
  }
  return node.description ?? '';
}
