/**
 * The shape of one row of the settings table. Everything that knows about settings (command-line
 * parsing, the layering of sources, `--help`, docs/settings.md) reads these fields and nothing
 * else, so a new setting is a new row.
 */
import type { Settings } from './settings.ts';
import type { Validator } from './setting-validators.ts';

export type SettingName = keyof Settings;

/** Groups for --help and docs/settings.md, in the order they are shown. */
export const settingSections = [
  'Config file',
  'Application',
  'Server socket',
  'Worker processes',
  'Restart policy',
  'Logging',
  'Requests',
  'Proxies',
  'TLS',
  'Observability',
  'Server mechanics',
  'Development',
] as const;

export type SettingSection = (typeof settingSections)[number];

/** What kind of value a setting holds, as shown in docs; `boolean` options take no value. */
export type SettingType =
  | 'string'
  | 'path'
  | 'integer'
  | 'seconds'
  | 'choice'
  | 'address list'
  | 'address'
  | 'url'
  | 'boolean'
  | 'assignment list'
  | 'file mode';

/** An option's flags: an optional one-letter form and the long form. */
export interface OptionFlags {
  short?: `-${string}`;
  long: `--${string}`;
}

/** A command-line option. `positional` is APP_MODULE, the one argument that is not an option. */
export type CliSpec = OptionFlags | 'positional';

/** An environment variable that supplies the default, below every other source. */
export interface EnvSpec {
  name: string;
  /** Turns the variable's text into the setting's input; the variable itself when absent. */
  derive?: (raw: string) => unknown;
  /** How the variable sets the default, for --help and docs: `0.0.0.0:$PORT`. */
  gives: string;
}

/** A required setting has no default; the others say what they fall back to. */
type Defaulting<TValue> =
  { required: true; default?: undefined } | { required?: false; default: TValue };

export type SettingSpec<K extends SettingName> = {
  name: K;
  section: SettingSection;
  /** Absent for settings only a config file or an embedding program can set. */
  cli?: CliSpec;
  env?: EnvSpec;
  type: SettingType;
  /** Repeatable on the command line (`-b a -b b`); the value is a list. */
  multiple?: true;
  /** The value's name in --help and docs: `INT`, `ADDRESS`. */
  metavar: string;
  validate: Validator<Settings[K]>;
  /** One line for --help. */
  summary: string;
  /** One paragraph for docs/settings.md: what it does, the unit, the edge cases, why. */
  description: string;
} & Defaulting<Settings[K]>;

/** Any row, with its name and value types kept together. */
export type AnySettingSpec = { [K in SettingName]: SettingSpec<K> }[SettingName];

/** Builds one row; a function only so that `name` fixes the value type of the rest. */
export function defineSetting<K extends SettingName>(spec: SettingSpec<K>): SettingSpec<K> {
  return spec;
}

/**
 * The flags of an option as people read them in messages: `-w, --workers`, or `--backlog`.
 *
 * @example
 * optionLabel({ short: '-w', long: '--workers' }); // '-w, --workers'
 */
export function optionLabel(cli: OptionFlags): string {
  return cli.short === undefined ? cli.long : `${cli.short}, ${cli.long}`;
}

/**
 * The built-in default as people read it, `undefined` for a required setting.
 *
 * @example
 * describeBuiltInDefault(bindRow); // '127.0.0.1:8000'
 */
export function describeBuiltInDefault(row: AnySettingSpec): string | undefined {
  if (row.required === true) return undefined;
  return row.default === undefined ? 'none' : [row.default].flat().join(', ');
}

/**
 * The default as people read it, including what an environment variable makes it.
 *
 * @example
 * describeDefault(workersRow); // '1, or $WEB_CONCURRENCY when WEB_CONCURRENCY is set'
 */
export function describeDefault(row: AnySettingSpec): string | undefined {
  const base = describeBuiltInDefault(row);
  if (base === undefined || row.env === undefined) return base;
  return `${base}, or ${row.env.gives} when ${row.env.name} is set`;
}
