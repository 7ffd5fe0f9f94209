import test from 'ava';
import { arbiterMachine } from '../../machines/arbiter-machine.ts';
import { allStates } from '../../machines/machine-graph.ts';
import { workerMachine } from '../../machines/worker-machine.ts';
import { supervisorMachine } from '../../machines/supervisor/supervisor-machine.ts';

for (const machine of [arbiterMachine, workerMachine, supervisorMachine]) {
  test(`every state of the ${machine.id} machine has a description (the live view shows them)`, (t) => {
    const undescribed = allStates(machine).filter((node) => !node.description);
    t.deepEqual(
      undescribed.map((node) => node.id),
      [],
    );
  });
}
