/**
 * The type of a config file, and `defineConfig`, which only gives editors and `tsc` the types:
 *
 * ```ts
 * // corral.config.ts
 * import { defineConfig } from 'corral/config';
 * export default defineConfig({
 *   workers: 'auto',
 *   bind: ['0.0.0.0:8000'],
 *   whenReady(server) { server.log.info(`serving as ${server.pid}`); },
 * });
 * ```
 *
 * This module imports types only, so a worker that imports the config file for its hooks does
 * not load the rest of corral with it.
 */
import type { Hooks } from '../protocol/hooks.ts';
import type { Settings } from './settings.ts';

/** Settings that belong to one run of the command, never to a file. */
type CommandOnly = 'config' | 'checkConfig' | 'printConfig';

/** Every setting (by its name in docs/settings.md) and every hook is optional. */
export type CorralConfig = Partial<Omit<Settings, CommandOnly>> & Partial<Hooks>;

/**
 * @example
 * export default defineConfig({ workers: 4, workerClass: 'sync' });
 */
export function defineConfig(config: CorralConfig): CorralConfig {
  return config;
}
