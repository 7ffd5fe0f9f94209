/**
 * Settings given by a program that embeds corral (`createArbiter({ app, workers: 2 })`): the
 * same table, validation and environment defaults as the CLI, with the program's values on top.
 */
import { environmentLayer, resolveSettings, type SettingsLayer } from './resolve-settings.ts';
import type { SettingName } from './setting-spec.ts';
import type { Settings } from './settings.ts';

/** What an embedding program passes: the app, and any settings it wants to change. */
export type SettingsInput = Partial<Settings> & Pick<Settings, 'app'>;

/**
 * @example
 * const settings = settingsFromProgram({ app: 'app.js', workers: 4 }, process.env);
 * settings.timeout; // 30
 * @throws {UsageError} naming the setting whose value is bad
 */
export function settingsFromProgram(input: SettingsInput, env: NodeJS.ProcessEnv): Settings {
  return resolveSettings([environmentLayer(env), programLayer(input)]).settings;
}

function programLayer(input: SettingsInput): SettingsLayer {
  const values: SettingsLayer['values'] = {};
  for (const [name, value] of Object.entries(input) as Array<[SettingName, unknown]>) {
    if (value !== undefined) values[name] = { value, origin: `setting '${name}'` };
  }
  return { source: 'program', values };
}
