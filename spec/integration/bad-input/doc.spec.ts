// The bad-input table is the doc too: docs/reliability.md holds every row, as rendered.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { badInputRows } from './rows.ts';
import { reliabilityDocUrl, renderReliabilityDoc } from './render-doc.ts';

test('docs/reliability.md holds the bad-input table (run npm run docs:reliability)', async (t) => {
  const doc = readFileSync(reliabilityDocUrl, 'utf8');
  t.is(doc, await renderReliabilityDoc(doc));
  for (const row of badInputRows) t.true(doc.includes(row.what), row.what);
});
