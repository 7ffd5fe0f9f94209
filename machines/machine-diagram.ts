/**
 * Renders a machine's states and transitions as a Mermaid `stateDiagram-v2`, from the machine
 * definition itself, so docs/machines.md cannot drift from the code (a spec regenerates it).
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';

/**
 * @example
 * machineDiagram(arbiterMachine); // 'stateDiagram-v2\n  [*] --> serving\n ...'
 */
export function machineDiagram(machine: AnyStateMachine): string {
  return ['stateDiagram-v2', ...stateLines(machine.root, '  ')].join('\n');
}

function stateLines(node: AnyStateNode, indent: string): string[] {
  const lines: string[] = [];
  const children = Object.values(node.states);
  if (children.length === 0) return lines;
  const initial = node.initial?.target?.[0];
  if (initial !== undefined) lines.push(`${indent}[*] --> ${name(initial)}`);
  for (const child of children) {
    if (Object.keys(child.states).length > 0) {
      lines.push(
        `${indent}state ${name(child)} {`,
        ...stateLines(child, `${indent}  `),
        `${indent}}`,
      );
    }
    if (child.type === 'final') lines.push(`${indent}${name(child)} --> [*]`);
    lines.push(...transitionLines(child, indent));
  }
  return lines;
}

function transitionLines(node: AnyStateNode, indent: string): string[] {
  const lines: string[] = [];
  for (const [eventType, transitions] of node.transitions) {
    for (const transition of transitions) {
      for (const target of transition.target ?? []) {
        lines.push(
          `${indent}${name(node)} --> ${name(target)}: ${label(eventType, transition.guard)}`,
        );
      }
    }
  }
  for (const transition of node.always ?? []) {
    for (const target of transition.target ?? []) {
      lines.push(
        `${indent}${name(node)} --> ${name(target)}: ${label('always', transition.guard)}`,
      );
    }
  }
  return lines;
}

/** Mermaid ids cannot contain dots; nested states are named by their path. */
function name(node: AnyStateNode): string {
  return node.path.length === 0 ? node.machine.id : node.path.join('_');
}

function label(eventType: string, guard: unknown): string {
  const after = /^xstate\.after\.(\w+)\./.exec(eventType);
  const event = after ? `after ${after[1]}` : eventType;
  const guardName =
    typeof guard === 'string' ? guard : (guard as { type?: string } | undefined)?.type;
  return guardName === undefined ? event : `${event} [${guardName}]`;
}
