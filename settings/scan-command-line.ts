/**
 * Splits argv into options, their raw values and positional arguments, in the getopt style
 * people expect: `-w 4`, `-w4`, `--workers 4`, `--workers=4`, repeated options, and `--` to end
 * the options. Values are not checked here: that is the settings table's job, shared with every
 * other source. An unknown option is a usage error with a "did you mean" when one is close.
 */
import { UsageError } from '../errors.ts';
import { closestName } from './did-you-mean.ts';
import { settingRows } from './settings-table.ts';
import { optionLabel, type AnySettingSpec, type OptionFlags } from './setting-spec.ts';

/** Options that do something instead of setting something. */
export const commandLineActions = [
  { action: 'help', short: '-h', long: '--help', summary: 'show this help and exit' },
  { action: 'version', long: '--version', summary: "show corral's version and exit" },
] as const satisfies readonly (OptionFlags & { action: string; summary: string })[];

export type CommandLineAction = (typeof commandLineActions)[number]['action'];

/** An option's raw value is its text, or `true` for an option that takes none. */
export type CommandLineItem =
  | { kind: 'option'; row: AnySettingSpec; label: string; value: string | true }
  | { kind: 'positional'; value: string };

/** The items in order, or the first action met: everything after it is not looked at. */
export type ScannedCommandLine =
  { kind: 'items'; items: CommandLineItem[] } | { kind: 'action'; action: CommandLineAction };

type Known = { label: string } & (
  { kind: 'row'; row: AnySettingSpec } | { kind: 'action'; action: CommandLineAction }
);

const knownFlags = buildFlagIndex();

/**
 * Scans argv (without the node and script paths).
 *
 * @example
 * scanCommandLine(['-w4', 'app.js']);
 * // { kind: 'items', items: [{ kind: 'option', row: <workers>, label: '-w, --workers', value: '4' },
 * //                          { kind: 'positional', value: 'app.js' }] }
 */
export function scanCommandLine(argv: readonly string[]): ScannedCommandLine {
  const items: CommandLineItem[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') {
      for (const rest of argv.slice(index + 1)) items.push({ kind: 'positional', value: rest });
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      items.push({ kind: 'positional', value: arg });
      continue;
    }
    const { flag, inline } = splitFlag(arg);
    const known = lookUp(flag);
    const takesValue = known.kind === 'row' && known.row.type !== 'boolean';
    if (!takesValue && inline !== undefined) {
      throw new UsageError(`option '${known.label}' takes no value`);
    }
    if (known.kind === 'action') return { kind: 'action', action: known.action };
    const value = takesValue ? (inline ?? argv[++index]) : true;
    if (value === undefined) throw new UsageError(`option '${known.label}' requires a value`);
    items.push({ kind: 'option', row: known.row, label: known.label, value });
  }
  return { kind: 'items', items };
}

/** `--workers=4` → `--workers` and `4`; `-w4` and `-w=4` → `-w` and `4`; `-w` → no inline value. */
function splitFlag(arg: string): { flag: string; inline: string | undefined } {
  if (arg.startsWith('--')) {
    const equals = arg.indexOf('=');
    return equals === -1
      ? { flag: arg, inline: undefined }
      : { flag: arg.slice(0, equals), inline: arg.slice(equals + 1) };
  }
  const rest = arg.slice(2);
  return { flag: arg.slice(0, 2), inline: rest === '' ? undefined : rest.replace(/^=/, '') };
}

function lookUp(flag: string): Known {
  const known = knownFlags.get(flag);
  if (known !== undefined) return known;
  const longFlags = [...knownFlags.keys()].filter((name) => name.startsWith('--'));
  const suggestion = flag.startsWith('--') ? closestName(flag, longFlags) : undefined;
  const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
  throw new UsageError(`unknown option '${flag}'${hint}`);
}

function buildFlagIndex(): Map<string, Known> {
  const index = new Map<string, Known>();
  const add = (cli: OptionFlags, known: Known): void => {
    if (cli.short !== undefined) index.set(cli.short, known);
    index.set(cli.long, known);
  };
  for (const row of settingRows) {
    if (row.cli === undefined || row.cli === 'positional') continue;
    add(row.cli, { kind: 'row', row, label: optionLabel(row.cli) });
  }
  for (const entry of commandLineActions) {
    add(entry, { kind: 'action', action: entry.action, label: optionLabel(entry) });
  }
  return index;
}
