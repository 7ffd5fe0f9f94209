/**
 * Layering: each source of settings (the environment, a config file, CORRAL_CMD_ARGS, the
 * command line, or an embedding program) is a layer of raw values, least authoritative first.
 * For each setting the last layer that has a value wins; it is checked by its row's validator,
 * and a bad value is a usage error that names where it came from. Every problem is reported at
 * once, a line each. Values a later layer overrides are not checked here (a config file checks
 * all of its own values as it is read: see config-object.ts).
 */
import { UsageError } from '../errors.ts';
import type { Settings } from './settings.ts';
import { settingRows } from './settings-table.ts';
import type { AnySettingSpec, SettingName } from './setting-spec.ts';

/** Where a setting's value came from, for `--print-config` and error messages. */
export type SettingSource =
  'default' | 'environment' | 'config-file' | 'CORRAL_CMD_ARGS' | 'command-line' | 'program';

/** One raw value: as written, unchecked, with the words that name its origin in errors. */
export interface LayerValue {
  value: unknown;
  /** Reads before a problem: `option '-w, --workers'`, `environment variable PORT`. */
  origin: string;
}

export interface SettingsLayer {
  source: SettingSource;
  values: Partial<Record<SettingName, LayerValue>>;
}

export interface ResolvedSettings {
  settings: Settings;
  sources: Record<SettingName, SettingSource>;
}

/**
 * Settles every setting from the layers, least authoritative first.
 *
 * @example
 * const { settings, sources } = resolveSettings([environmentLayer(process.env), cliLayer]);
 * sources.workers; // 'environment' when only WEB_CONCURRENCY set it
 */
export function resolveSettings(layers: readonly SettingsLayer[]): ResolvedSettings {
  const settings: Partial<Record<SettingName, unknown>> = {};
  const sources: Partial<Record<SettingName, SettingSource>> = {};
  const problems: string[] = [];
  for (const row of settingRows) {
    const resolved = resolveOne(row, layers);
    if (typeof resolved === 'string') {
      problems.push(resolved);
      continue;
    }
    settings[row.name] = resolved[0];
    sources[row.name] = resolved[1];
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  // Every row was visited and each value passed its own row's validator.
  return {
    settings: settings as Settings,
    sources: sources as Record<SettingName, SettingSource>,
  };
}

/**
 * The lowest layer: defaults that environment variables such as WEB_CONCURRENCY and PORT give.
 * An empty variable counts as unset.
 *
 * @example
 * environmentLayer({ PORT: '5000' }).values.bind; // { value: ['0.0.0.0:5000'], origin: ... }
 */
export function environmentLayer(env: NodeJS.ProcessEnv): SettingsLayer {
  const values: SettingsLayer['values'] = {};
  for (const row of settingRows) {
    const raw = row.env === undefined ? undefined : env[row.env.name];
    if (row.env === undefined || raw === undefined || raw === '') continue;
    const value = row.env.derive === undefined ? raw : row.env.derive(raw);
    values[row.name] = { value, origin: `environment variable ${row.env.name}` };
  }
  return { source: 'environment', values };
}

/** The value and its source, or the problem with it. */
function resolveOne(
  row: AnySettingSpec,
  layers: readonly SettingsLayer[],
): [unknown, SettingSource] | string {
  const layer = layers.findLast((candidate) => candidate.values[row.name] !== undefined);
  const given = layer?.values[row.name];
  if (layer === undefined || given === undefined) {
    if (row.required === true) return `${requiredName(row)} is required`;
    // A copy, so that nobody who changes their settings changes the table's defaults.
    return [structuredClone(row.default), 'default'];
  }
  const checked = row.validate(given.value);
  if (!checked.ok) return `${given.origin} ${checked.problem}`;
  return [checked.value, layer.source];
}

function requiredName(row: AnySettingSpec): string {
  if (row.cli === 'positional') return row.metavar;
  return row.cli === undefined ? `setting '${row.name}'` : `option '${row.cli.long}'`;
}
