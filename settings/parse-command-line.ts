/**
 * The command line, turned into settings: argv is scanned into a layer of raw values, laid over
 * the environment's defaults, and checked row by row against the settings table. `--help` and
 * `--version` short-circuit. Every problem is a one-line {@link UsageError} (exit code 2) that
 * names the option; the CLI prints it with {@link usageLine} and {@link usageHint} under it.
 */
import { readFileSync } from 'node:fs';
import { renderHelp } from './render-help.ts';
import {
  environmentLayer,
  resolveSettings,
  type SettingSource,
  type SettingsLayer,
} from './resolve-settings.ts';
import { scanCommandLine, type CommandLineItem } from './scan-command-line.ts';
import type { SettingName } from './setting-spec.ts';
import type { Settings } from './settings.ts';
import { settingRows } from './settings-table.ts';
import { UsageError } from '../errors.ts';
import { packageRootOf } from '../protocol/package-root.ts';

export { usageLine } from './render-help.ts';

/**
 * The hint printed under a usage error, below {@link usageLine}.
 *
 * @example
 * process.stderr.write(`corral: error: ${error.message}\n${usageLine()}\n${usageHint()}\n`);
 */
export function usageHint(): string {
  return "Try 'corral --help' for more information.";
}

export type CommandLine =
  | { kind: 'run'; settings: Settings; sources: Record<SettingName, SettingSource> }
  | { kind: 'help'; text: string }
  | { kind: 'version'; text: string };

/**
 * Parses argv (without the node and script paths) against the environment.
 *
 * @example
 * const parsed = parseCommandLine(['-w', '4', 'app.js'], process.env);
 * if (parsed.kind === 'run') parsed.settings.workers; // 4
 *
 * @throws {UsageError} an unknown option, a bad or missing value, no APP_MODULE or two.
 */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): CommandLine {
  const scanned = scanCommandLine(argv);
  if (scanned.kind === 'action') {
    return scanned.action === 'help'
      ? { kind: 'help', text: renderHelp() }
      : { kind: 'version', text: versionText() };
  }
  const { settings, sources } = resolveSettings([
    environmentLayer(env),
    commandLineLayer(scanned.items),
  ]);
  return { kind: 'run', settings, sources };
}

/**
 * The scanned items as a layer: repeatable options collect, others keep their last value, and
 * the one positional argument is APP_MODULE.
 *
 * @example
 * commandLineLayer(scanCommandLine(['-b', 'a', '-b', 'b']).items).values.bind?.value; // ['a', 'b']
 */
export function commandLineLayer(items: readonly CommandLineItem[]): SettingsLayer {
  const values: SettingsLayer['values'] = {};
  const positionalRow = settingRows.find((row) => row.cli === 'positional');
  for (const item of items) {
    if (item.kind === 'option') {
      const origin = `option '${item.label}'`;
      const earlier = values[item.row.name]?.value;
      const value = item.row.multiple === true ? [...listOf(earlier), item.value] : item.value;
      values[item.row.name] = { value, origin };
    } else if (positionalRow !== undefined && values[positionalRow.name] === undefined) {
      values[positionalRow.name] = { value: item.value, origin: positionalRow.metavar };
    } else {
      const app = positionalRow === undefined ? undefined : values[positionalRow.name]?.value;
      throw new UsageError(`unexpected argument '${item.value}' after APP_MODULE '${String(app)}'`);
    }
  }
  return { source: 'command-line', values };
}

function listOf(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function versionText(): string {
  const path = new URL('package.json', packageRootOf(import.meta.url));
  const { version } = JSON.parse(readFileSync(path, 'utf8')) as { version: string };
  return `corral (version ${version})`;
}
