/**
 * Everything the CLI knows before it starts a server: the settings from all four sources and the
 * hooks of the config file. Least authoritative first: defaults derived from the environment
 * (`WEB_CONCURRENCY`, `PORT`), the config file, `CORRAL_CMD_ARGS`, the command line.
 *
 * `--config` and `--chdir` are read from the two command-line sources before the rest, since
 * they say where the config file is. HUP calls this again with the same argv and starting
 * directory, so a reload sees the file and the environment as they are then.
 */
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import type { Hooks } from '../protocol/hooks.ts';
import { readConfigObject } from '../settings/config-object.ts';
import {
  commandLineLayer,
  parseCommandLine,
  type CommandLine,
} from '../settings/parse-command-line.ts';
import {
  environmentLayer,
  resolveSettings,
  type SettingSource,
  type SettingsLayer,
} from '../settings/resolve-settings.ts';
import { scanCommandLine } from '../settings/scan-command-line.ts';
import type { SettingName } from '../settings/setting-spec.ts';
import type { Settings } from '../settings/settings.ts';
import { splitArguments } from '../settings/split-arguments.ts';
import { findConfigFile, importConfigFile } from './config-file.ts';

export const CMD_ARGS_ENV = 'CORRAL_CMD_ARGS';

export interface ReadConfigurationInput {
  /** The command line, without the node and script paths. */
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  /** The directory corral was started in: relative `--chdir` and `--config` are read from it. */
  cwd: string;
}

export type ConfigurationRead =
  | Exclude<CommandLine, { kind: 'run' }>
  | {
      kind: 'run';
      /** `config` is the config file's absolute path and `chdir` absolute, when there are any. */
      settings: Settings;
      sources: Record<SettingName, SettingSource>;
      hooks: Partial<Hooks>;
    };

/**
 * @example
 * const read = await readConfiguration({ argv: ['-w', '2', 'app.js'], env: process.env, cwd: process.cwd() });
 * if (read.kind === 'run') read.settings.workers; // 2
 * @throws {UsageError} listing every bad value and unknown key, with where each came from
 * @throws {ConfigFileError} when the config file is missing, unreadable or throws on import
 */
export async function readConfiguration(input: ReadConfigurationInput): Promise<ConfigurationRead> {
  const scanned = scanCommandLine(input.argv);
  // --help and --version answer before any source is read.
  if (scanned.kind === 'action') return answerAction(input.argv);
  const commandLine = commandLineLayer(scanned.items);
  const fromEnv = cmdArgsLayer(input.env[CMD_ARGS_ENV]);
  const early = [fromEnv, commandLine];
  const base = resolve(input.cwd, rawString(early, 'chdir') ?? '.');
  const configPath = findConfigFile(rawString(early, 'config'), base);

  let fileLayer: SettingsLayer = { source: 'config-file', values: {} };
  let hooks: Partial<Hooks> = {};
  const problems: string[] = [];
  if (configPath !== undefined) {
    const object = await importConfigFile(configPath);
    const read = readConfigObject(displayPath(configPath, input.cwd), object);
    ({ layer: fileLayer, hooks } = read);
    problems.push(...read.problems);
  }
  const layers = [environmentLayer(input.env), fileLayer, ...early];
  const resolved = resolveCollecting(layers, problems);
  if (resolved === undefined) throw new UsageError(problems.join('\n'));

  const { settings, sources } = resolved;
  settings.config = configPath;
  if (settings.chdir !== undefined) settings.chdir = existingDirectory(input.cwd, settings.chdir);
  return { kind: 'run', settings, sources, hooks };
}

/** CORRAL_CMD_ARGS as a layer of its own, so --print-config can name it. */
function cmdArgsLayer(text: string | undefined): SettingsLayer {
  if (text === undefined || text.trim() === '') return { source: 'CORRAL_CMD_ARGS', values: {} };
  const scanned = scanCommandLine(splitArguments(text, CMD_ARGS_ENV));
  if (scanned.kind === 'action') {
    throw new UsageError(`${CMD_ARGS_ENV} may hold settings only, not --${scanned.action}`);
  }
  const layer = commandLineLayer(scanned.items);
  const values: SettingsLayer['values'] = {};
  for (const [name, given] of Object.entries(layer.values) as [
    SettingName,
    { value: unknown; origin: string },
  ][]) {
    values[name] = { value: given.value, origin: `${CMD_ARGS_ENV} ${given.origin}` };
  }
  return { source: 'CORRAL_CMD_ARGS', values };
}

function resolveCollecting(layers: SettingsLayer[], problems: string[]) {
  try {
    const resolved = resolveSettings(layers);
    return problems.length === 0 ? resolved : undefined;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    problems.push(...error.message.split('\n'));
    return undefined;
  }
}

/** The last raw string a layer gives for a setting, before any checking. */
function rawString(layers: readonly SettingsLayer[], name: SettingName): string | undefined {
  const value = layers.findLast((layer) => layer.values[name] !== undefined)?.values[name]?.value;
  return typeof value === 'string' ? value : undefined;
}

/** Short in messages when the file is under the starting directory, absolute otherwise. */
function displayPath(path: string, cwd: string): string {
  const shown = relative(cwd, path);
  return shown.startsWith('..') || isAbsolute(shown) ? path : shown;
}

function answerAction(argv: readonly string[]): ConfigurationRead {
  const answered = parseCommandLine(argv, {});
  if (answered.kind === 'run') throw new Error('an action was scanned but not answered');
  return answered;
}

/** `--chdir` as an absolute path, checked now so that a typo is a usage error, not a crash. */
function existingDirectory(cwd: string, dir: string): string {
  const path = resolve(cwd, dir);
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`chdir '${dir}' is not a directory`);
  }
  return path;
}
