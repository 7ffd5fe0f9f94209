import test from 'ava';
import type { AnyStateNode } from 'xstate';
import { arbiterMachine } from '../../machines/arbiter-machine.ts';
import { workerMachine } from '../../machines/worker-machine.ts';

function undescribed(node: AnyStateNode): string[] {
  const own = node.parent !== undefined && !node.description ? [node.id] : [];
  return [...own, ...Object.values(node.states).flatMap(undescribed)];
}

for (const machine of [arbiterMachine, workerMachine]) {
  test(`every state of the ${machine.id} machine has a description (the live view shows them)`, (t) => {
    t.deepEqual(undescribed(machine.root), []);
  });
}
