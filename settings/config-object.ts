/**
 * A config file's exported object, turned into a settings layer and its hooks. Every key is
 * checked as the file is read, whether or not a later source overrides it, and every problem is
 * collected, so one run of corral lists all of a file's mistakes with the file and the key.
 */
import { hookNames, isHookName, pickHooks, type Hooks } from '../protocol/hooks.ts';
import { closestName } from './did-you-mean.ts';
import type { SettingsLayer } from './resolve-settings.ts';
import type { SettingName } from './setting-spec.ts';
import { settingRows } from './settings-table.ts';

/** Settings that only make sense for one run of the command, never in a file. */
const notInFile: ReadonlySet<SettingName> = new Set(['config', 'checkConfig', 'printConfig']);

const fileKeys: readonly string[] = [
  ...settingRows.map((row) => row.name).filter((name) => !notInFile.has(name)),
  ...hookNames,
];

export interface ConfigObject {
  layer: SettingsLayer;
  hooks: Partial<Hooks>;
  /** One line per problem: `corral.config.mjs: 'workrs' is not a setting (did you mean 'workers'?)`. */
  problems: string[];
}

/**
 * @example
 * const { layer, hooks, problems } = readConfigObject('corral.config.mjs', { workers: 2 });
 * layer.values.workers; // { value: 2, origin: "corral.config.mjs: 'workers'" }
 */
export function readConfigObject(file: string, object: unknown): ConfigObject {
  const values: SettingsLayer['values'] = {};
  const layer: SettingsLayer = { source: 'config-file', values };
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    const problem = `${file}: the default export must be an object of settings and hooks, such as defineConfig({ workers: 2 })`;
    return { layer, hooks: {}, problems: [problem] };
  }
  const record = object as Record<string, unknown>;
  const problems: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    const problem = checkKey(file, key, value);
    if (problem !== undefined) problems.push(problem);
    else if (!isHookName(key)) values[key as SettingName] = { value, origin: `${file}: '${key}'` };
  }
  return { layer, hooks: pickHooks(record), problems };
}

function checkKey(file: string, key: string, value: unknown): string | undefined {
  if (isHookName(key)) {
    return typeof value === 'function'
      ? undefined
      : `${file}: hook '${key}' must be a function, got ${typeof value}`;
  }
  const row = settingRows.find((candidate) => candidate.name === key);
  if (row === undefined || notInFile.has(row.name)) {
    if (row !== undefined) return `${file}: '${key}' cannot be set in a config file`;
    // Gunicorn's snake_case names (worker_class) find their camelCase twins (workerClass).
    const suggestion = closestName(key.replaceAll('_', ''), fileKeys);
    const hint = suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
    return `${file}: '${key}' is not a setting or hook${hint}`;
  }
  const checked = row.validate(value);
  return checked.ok ? undefined : `${file}: '${key}' ${checked.problem}`;
}
