/**
 * The arbiter's `reloadSettings` actor: on HUP, reads the settings again and registers them as
 * the next generation. A failure (a bad value, an unreadable config) rejects, and the arbiter
 * keeps the running generation.
 */
import { fromPromise } from 'xstate';
import type { GenerationSettings } from '../../machines/arbiter-machine.ts';

/**
 * @example
 * reloadSettingsLogic(async (generation) => generations.add(generation, readSettings()));
 */
export function reloadSettingsLogic(
  load: (generation: number, pool?: string) => Promise<GenerationSettings>,
) {
  return fromPromise<GenerationSettings, { generation: number; pool?: string }>(({ input }) =>
    load(input.generation, input.pool),
  );
}
