/**
 * Renders a machine's states and transitions as a Mermaid `stateDiagram-v2`, from the machine
 * definition itself, so docs/machines.md cannot drift from the code (a spec regenerates it).
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { childStates, initialChild, stateEdges } from './machine-graph.ts';

/**
 * @example
 * machineDiagram(arbiterMachine); // 'stateDiagram-v2\n  [*] --> serving\n ...'
 */
export function machineDiagram(machine: AnyStateMachine): string {
  return ['stateDiagram-v2', ...stateLines(machine.root, '  ')].join('\n');
}

function stateLines(node: AnyStateNode, indent: string): string[] {
  const lines: string[] = [];
  const children = childStates(node);
  if (children.length === 0) return lines;
  const initial = initialChild(node);
  if (initial !== undefined) lines.push(`${indent}[*] --> ${name(initial)}`);
  for (const child of children) {
    if (childStates(child).length > 0) {
      lines.push(
        `${indent}state ${name(child)} {`,
        ...stateLines(child, `${indent}  `),
        `${indent}}`,
      );
    }
    if (child.type === 'final') lines.push(`${indent}${name(child)} --> [*]`);
    for (const edge of stateEdges(child)) {
      lines.push(`${indent}${name(child)} --> ${name(edge.target)}: ${edge.label}`);
    }
  }
  return lines;
}

/** Mermaid ids cannot contain dots; nested states are named by their path. */
function name(node: AnyStateNode): string {
  return node.path.length === 0 ? node.machine.id : node.path.join('_');
}
