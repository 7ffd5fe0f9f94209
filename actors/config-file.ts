/**
 * Finding and importing a config file. `.ts`, `.mts`, `.cts`, `.mjs`, `.js` and `.cjs` files are
 * imported through tsx, so a TypeScript config needs no build step even in a program that embeds
 * corral under plain `node`; `.json` is parsed. Each load reads the file afresh, so HUP sees an
 * edited config (a CommonJS file is dropped from the require cache first).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigFileError } from '../errors.ts';
import { configObjectOf } from '../protocol/hooks.ts';

/** Looked for in this order in the working directory when no `--config` is given. */
export const configFileNames = [
  'corral.config.ts',
  'corral.config.mjs',
  'corral.config.js',
  'corral.config.cjs',
  'corral.config.json',
] as const;

const importable = new Set(['.ts', '.mts', '.cts', '.mjs', '.js', '.cjs']);

/**
 * The config file to read: the one given (resolved against `dir`), else the first of
 * {@link configFileNames} in `dir`, else none.
 *
 * @example
 * findConfigFile(undefined, '/srv/app'); // '/srv/app/corral.config.ts' when it exists
 * @throws {ConfigFileError} when a given file does not exist
 */
export function findConfigFile(given: string | undefined, dir: string): string | undefined {
  if (given !== undefined) {
    const path = resolve(dir, given);
    if (!existsSync(path)) throw new ConfigFileError(`config file ${given} does not exist`);
    return path;
  }
  return configFileNames.map((name) => resolve(dir, name)).find((path) => existsSync(path));
}

/**
 * The object a config file exports: its default export (or `module.exports`), unchecked.
 *
 * @example
 * const object = await importConfigFile('/srv/app/corral.config.ts');
 * @throws {ConfigFileError} naming the file when it cannot be read, parsed or imported
 */
export async function importConfigFile(path: string): Promise<unknown> {
  const extension = extname(path);
  if (extension === '.json') return parseJson(path);
  if (!importable.has(extension)) {
    throw new ConfigFileError(
      `config file ${path} is not .ts, .mts, .cts, .mjs, .js, .cjs or .json`,
    );
  }
  forgetCommonJs(path);
  let module: unknown;
  try {
    // Loaded only for a config file: a master without one never carries tsx.
    const { tsImport } = await import('tsx/esm/api');
    module = await tsImport(pathToFileURL(path).href, import.meta.url);
  } catch (error) {
    throw new ConfigFileError(`cannot load config file ${path}: ${describe(error)}`, {
      cause: error,
    });
  }
  return configObjectOf(module);
}

function parseJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigFileError(`cannot read config file ${path}: ${describe(error)}`, {
      cause: error,
    });
  }
}

function forgetCommonJs(path: string): void {
  const require = createRequire(path);
  // Harmless for ESM files, which are never in this cache.
  delete require.cache[path];
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
