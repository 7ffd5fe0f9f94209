import test from 'ava';
import { readFileSync } from 'node:fs';
import { machinesDocPath, renderMachinesDoc } from '../../tools/render-machines-doc.ts';

test('docs/machines.md is generated from the machines (run npm run docs:machines)', (t) => {
  t.is(readFileSync(machinesDocPath, 'utf8'), renderMachinesDoc());
});

test('the diagrams show the timeout path and the stop escalation', (t) => {
  const doc = renderMachinesDoc();
  t.regex(doc, /serving_watching --> aborting: after workerTimeout/);
  t.regex(doc, /aborting --> killing: after abortGrace/);
  t.regex(doc, /serving --> stopping: signal\.term/);
});
