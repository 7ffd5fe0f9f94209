/**
 * `corral --help`, generated from the settings table: usage, the positional argument, then the
 * options section by section with their defaults.
 */
import { commandLineActions } from './scan-command-line.ts';
import { settingRows } from './settings-table.ts';
import {
  describeDefault,
  optionLabel,
  settingSections,
  type AnySettingSpec,
} from './setting-spec.ts';

const WIDTH = 80;
const LEFT = 30;

/**
 * The usage line, also printed under a usage error.
 *
 * @example
 * usageLine(); // 'usage: corral [options] APP_MODULE'
 */
export function usageLine(): string {
  const positional = settingRows.find((row) => row.cli === 'positional');
  return `usage: corral [options]${positional === undefined ? '' : ` ${positional.metavar}`}`;
}

/**
 * The whole help text, without a final newline.
 *
 * @example
 * process.stdout.write(`${renderHelp()}\n`);
 */
export function renderHelp(): string {
  const blocks = [
    usageLine(),
    'Serve a Node.js app from a supervised herd of pre-forked worker processes.',
  ];
  for (const section of settingSections) {
    const rows = settingRows.filter((row) => row.section === section && row.cli !== undefined);
    if (rows.length === 0) continue;
    const heading = rows.every((row) => row.cli === 'positional') ? 'Arguments' : section;
    blocks.push([`${heading}:`, ...rows.map(renderRow)].join('\n'));
  }
  const actions = commandLineActions.map((entry) => twoColumns(optionLabel(entry), entry.summary));
  blocks.push(['Other:', ...actions].join('\n'));
  blocks.push('Durations are in seconds. Every setting is described in docs/settings.md.');
  return blocks.join('\n\n');
}

function renderRow(row: AnySettingSpec): string {
  const flags = row.cli === 'positional' || row.cli === undefined ? '' : `${optionLabel(row.cli)} `;
  const value = row.type === 'boolean' ? '' : row.metavar;
  const fallback = describeDefault(row);
  const summary = fallback === undefined ? row.summary : `${row.summary} [default: ${fallback}]`;
  return twoColumns(`${flags}${value}`.trim(), summary);
}

/** Two columns: the flags, then the text wrapped under itself. */
function twoColumns(left: string, text: string): string {
  const lines = wrap(text, WIDTH - LEFT);
  const first = `  ${left}`;
  const head = first.length < LEFT - 1 ? [first.padEnd(LEFT) + lines.shift()] : [first];
  return [...head, ...lines.map((line) => ' '.repeat(LEFT) + line)].join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}
