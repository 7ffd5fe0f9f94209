/**
 * A machine as Graphviz DOT, for the status page's drawn statecharts: compound states are
 * clusters, and every state carries the SVG id `MACHINE:dotted.path` and the class `state`, so
 * the page can mark the states its actors are in without knowing anything about the layout.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import {
  childStates,
  dottedPath,
  initialChild,
  stateEdges,
} from '../../../machines/machine-graph.ts';

const FONT = 'Helvetica';

/** Top to bottom, or left to right (for a machine whose states fan out to one target). */
export type LayoutDirection = 'TB' | 'LR';

/** The SVG id of a state's drawing: `worker:serving.watching`. */
export function stateElementId(machineId: string, path: string): string {
  return `${machineId}:${path}`;
}

/**
 * @example
 * machineDot(workerMachine); // 'digraph "worker" {\n  graph [...]\n ...'
 */
export function machineDot(machine: AnyStateMachine, direction: LayoutDirection = 'TB'): string {
  const lines = [
    `digraph ${quote(machine.id)} {`,
    `  graph [compound=true, rankdir=${direction}, fontname=${quote(FONT)}, fontsize=12, bgcolor="transparent", nodesep=0.35, ranksep=0.45];`,
    `  node [shape=box, style="rounded,filled", fillcolor="white", color="#5b6770", fontname=${quote(FONT)}, fontsize=12, height=0.3];`,
    `  edge [fontname=${quote(FONT)}, fontsize=9, color="#8a949c", fontcolor="#4a545c", arrowsize=0.6];`,
    ...statements(machine.root, '  '),
    ...edges(machine.root, '  '),
    '}',
  ];
  return lines.join('\n');
}

/** The states under `node`, nested clusters for compound ones, and each level's start dot. */
function statements(node: AnyStateNode, indent: string): string[] {
  const lines = [`${indent}${quote(startDot(node))} [shape=point, width=0.09, label=""];`];
  for (const child of childStates(node)) {
    if (childStates(child).length === 0) {
      lines.push(`${indent}${quote(dottedPath(child))} [${stateAttributes(child).join(', ')}];`);
      continue;
    }
    lines.push(
      `${indent}subgraph ${quote(clusterName(child))} {`,
      `${indent}  ${stateAttributes(child).join('; ')};`,
      `${indent}  style="rounded"; color="#5b6770"; labeljust="l";`,
      ...statements(child, `${indent}  `),
      `${indent}}`,
    );
  }
  return lines;
}

function edges(node: AnyStateNode, indent: string): string[] {
  const lines: string[] = [];
  const initial = initialChild(node);
  if (initial !== undefined)
    lines.push(`${indent}${connect(startDot(node), initial, '', undefined)}`);
  for (const child of childStates(node)) {
    for (const edge of stateEdges(child)) {
      lines.push(`${indent}${connect(anchor(child), edge.target, edge.label, child)}`);
    }
    lines.push(...edges(child, indent));
  }
  return lines;
}

/** An edge; from or to a compound state, it is clipped at that state's cluster border. */
function connect(from: string, to: AnyStateNode, label: string, source: AnyStateNode | undefined) {
  const attributes = [`label=${quote(label === '' ? '' : ` ${label} `)}`];
  if (source !== undefined && childStates(source).length > 0 && !contains(source, to)) {
    attributes.push(`ltail=${quote(clusterName(source))}`);
  }
  if (childStates(to).length > 0 && (source === undefined || !contains(to, source))) {
    attributes.push(`lhead=${quote(clusterName(to))}`);
  }
  return `${quote(from)} -> ${quote(anchor(to))} [${attributes.join(', ')}];`;
}

function stateAttributes(node: AnyStateNode): string[] {
  const path = dottedPath(node);
  const attributes = [
    `id=${quote(stateElementId(node.machine.id, path))}`,
    'class="state"',
    `label=${quote(node.key)}`,
  ];
  if (node.type === 'final') attributes.push('peripheries=2');
  return attributes;
}

/** Where edges of a state start and end: the node itself, or a compound state's start dot. */
function anchor(node: AnyStateNode): string {
  return childStates(node).length === 0 ? dottedPath(node) : startDot(node);
}

function startDot(node: AnyStateNode): string {
  return node.path.length === 0 ? '[*]' : `${dottedPath(node)}.[*]`;
}

function clusterName(node: AnyStateNode): string {
  return `cluster_${dottedPath(node)}`;
}

function contains(outer: AnyStateNode, inner: AnyStateNode): boolean {
  return inner.path.length >= outer.path.length && outer.path.every((k, i) => inner.path[i] === k);
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
