/**
 * `--print-config`: every setting with its resolved value and where the value came from, then
 * the hooks, so an operator can see what the layering made of the sources.
 */
import { hookNames, type Hooks } from '../protocol/hooks.ts';
import { resolveWorkerCount } from './available-cores.ts';
import type { SettingSource } from './resolve-settings.ts';
import type { SettingName } from './setting-spec.ts';
import type { Settings } from './settings.ts';
import { settingRows } from './settings-table.ts';

const sourceNames: Record<SettingSource, string> = {
  default: 'default',
  environment: 'environment',
  'config-file': 'config file',
  CORRAL_CMD_ARGS: 'CORRAL_CMD_ARGS',
  'command-line': 'command line',
  program: 'program',
};

/**
 * @example
 * renderResolvedSettings(settings, sources, hooks);
 * // 'workers             = 4                 (config file)\n...'
 */
export function renderResolvedSettings(
  settings: Settings,
  sources: Record<SettingName, SettingSource>,
  hooks: Partial<Hooks>,
): string {
  const rows = settingRows
    .filter((row) => row.name !== 'checkConfig' && row.name !== 'printConfig')
    .map((row) => [row.name, showValue(settings, row.name), sourceNames[sources[row.name]]]);
  const nameWidth = Math.max(...rows.map(([name]) => name!.length));
  const valueWidth = Math.min(40, Math.max(...rows.map(([, value]) => value!.length)));
  const lines = rows.map(
    ([name, value, source]) =>
      `${name!.padEnd(nameWidth)} = ${value!.padEnd(valueWidth)} (${source})`,
  );
  const defined = hookNames.filter((name) => hooks[name] !== undefined);
  lines.push(
    `${'hooks'.padEnd(nameWidth)} = ${defined.length === 0 ? 'none' : defined.join(', ')}`,
  );
  return lines.join('\n');
}

function showValue(settings: Settings, name: SettingName): string {
  if (name === 'workers' && settings.workers === 'auto') {
    return `auto (${resolveWorkerCount(settings)})`;
  }
  if (name === 'umask' && settings.umask !== undefined) {
    return `0o${settings.umask.toString(8).padStart(3, '0')}`;
  }
  const value: unknown = settings[name];
  if (value === undefined) return 'none';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(', ');
  return String(value);
}
