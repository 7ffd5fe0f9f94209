/**
 * The end of a fault scenario: the master has its workers back and the load is served again,
 * then the load stops and its counts are the scenario's result.
 *
 * @example
 * const result = await recoveredThenStop(load, corral.child.pid!, 4);
 * await servedMore(load, 300); // the load goes on being served from here
 */
import type { LoadResult, SteadyLoad } from '../../helpers/steady-load.ts';
import { childPids, eventually } from '../corral-process.ts';

export async function recoveredThenStop(
  load: SteadyLoad,
  master: number,
  workers: number,
): Promise<LoadResult> {
  await eventually(
    async () => (await childPids(master)).length === workers,
    `the count back at ${workers}`,
    60_000,
  );
  await servedMore(load);
  return load.stop();
}

/** Waits for `count` more requests to succeed than so far. */
export async function servedMore(
  load: SteadyLoad,
  count = 100,
  what = 'the load served again',
): Promise<void> {
  const okBefore = load.ok();
  await eventually(() => load.ok() > okBefore + count, what);
}
