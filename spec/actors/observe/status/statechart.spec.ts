// The drawn statecharts: every state of both machines gets an element the page can mark (id
// `MACHINE:path`, class `state`), compound states are clusters, and the labels are the
// machine's own events, so a renamed state or event shows up on the page without a change here.
import test from 'ava';
import { arbiterMachine } from '../../../../machines/arbiter-machine.ts';
import { workerMachine } from '../../../../machines/worker-machine.ts';
import { allStates, dottedPath } from '../../../../machines/machine-graph.ts';
import { machineDot, stateElementId } from '../../../../actors/observe/status/statechart-dot.ts';
import { renderStatechart } from '../../../../actors/observe/status/statechart-svg.ts';

for (const machine of [arbiterMachine, workerMachine]) {
  test(`every ${machine.id} state is drawn with an id the page can mark`, async (t) => {
    const svg = await renderStatechart(machine);
    t.true(svg.startsWith('<svg'));
    const ids = [...svg.matchAll(/<g id="([^"]+)" class="([^"]+)"/g)].map((m) => ({
      id: (m[1] ?? '').replace(/&#45;/g, '-'),
      classes: (m[2] ?? '').split(' '),
    }));
    for (const path of allStates(machine).map(dottedPath)) {
      const drawn = ids.find((entry) => entry.id === stateElementId(machine.id, path));
      t.truthy(drawn, `${path} is drawn`);
      t.true(drawn?.classes.includes('state'), `${path} has the class state`);
    }
  });
}

test('compound states are clusters; edges carry the events and guards', (t) => {
  const dot = machineDot(workerMachine);
  t.regex(dot, /subgraph "cluster_serving" \{/);
  t.regex(dot, /"serving\.watching" -> "aborting" \[label=" after workerTimeout "\]/);
  t.regex(
    dot,
    /"serving\.\[\*\]" -> "draining" \[label=" worker\.stop ", ltail="cluster_serving"\]/,
  );
  t.regex(dot, /"exited" \[[^\]]*peripheries=2/);
  const arbiter = machineDot(arbiterMachine, 'LR');
  t.regex(arbiter, /rankdir=LR/);
  t.regex(arbiter, /label=" loading done "/);
});
