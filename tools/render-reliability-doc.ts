/**
 * Writes the bad-input table of docs/reliability.md from spec/integration/bad-input/rows.ts:
 * `npm run docs:reliability`; spec/integration/bad-input/doc.spec.ts fails when it is out of date.
 */
import { writeReliabilityDoc } from '../spec/integration/bad-input/render-doc.ts';

await writeReliabilityDoc();
