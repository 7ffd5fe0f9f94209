/**
 * Renders the bad-input table (rows.ts) into docs/reliability.md, between its markers: the table
 * is the spec and the doc. `npm run docs:reliability` writes it; doc.spec.ts fails while the
 * file is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { badInputRows, type BadInputRow } from './rows.ts';

export const reliabilityDocUrl = new URL('../../../docs/reliability.md', import.meta.url);

const START =
  '<!-- bad-input:start (generated from spec/integration/bad-input/rows.ts by `npm run docs:reliability`) -->';
const END = '<!-- bad-input:end -->';

/**
 * The doc with its table section rendered from the rows, formatted as the repository's
 * Prettier formats it (so `npm run lint` and the generated file agree).
 */
export async function renderReliabilityDoc(doc: string): Promise<string> {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start)
    throw new Error('docs/reliability.md has lost its bad-input markers');
  const text = `${doc.slice(0, start)}${START}\n\n${renderTable()}\n\n${doc.slice(end)}`;
  const path = fileURLToPath(reliabilityDocUrl);
  const options = (await resolveConfig(path)) ?? {};
  return format(text, { ...options, filepath: path });
}

/** Rewrites docs/reliability.md's table from the rows. */
export async function writeReliabilityDoc(): Promise<void> {
  const doc = readFileSync(reliabilityDocUrl, 'utf8');
  writeFileSync(reliabilityDocUrl, await renderReliabilityDoc(doc));
}

function renderTable(): string {
  const header = [
    '| group | bad input | command | exit | the output says |',
    '| --- | --- | --- | --: | --- |',
  ];
  return [...header, ...badInputRows.map(renderRow)].join('\n');
}

function renderRow(row: BadInputRow): string {
  const command = ['corral', ...row.args].join(' ');
  const says = row.says.map((words) => code(words)).join('<br>');
  return `| ${row.group} | ${row.what}${extras(row)} | ${code(command)} | ${row.code} | ${says} |`;
}

function extras(row: BadInputRow): string {
  const notes: string[] = [];
  if (row.files !== undefined) {
    notes.push(
      ...Object.entries(row.files).map(
        ([name, content]) => `${code(name)}: ${code(content.trim())}`,
      ),
    );
  }
  if (row.holdPort === true) notes.push('another process listens on `{port}`');
  if (row.request !== undefined) notes.push(`a request to ${code(row.request)} in flight`);
  for (const signal of row.signals ?? []) notes.push(`${signal.send} after ${code(signal.after)}`);
  return notes.length === 0 ? '' : ` (${notes.join('; ')})`;
}

function code(text: string): string {
  return `\`${text.replaceAll('|', '\\|').replaceAll('`', "'")}\``;
}
