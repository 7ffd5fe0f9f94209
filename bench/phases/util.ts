/** Small helpers the phases share. */
import type { AppKind } from '../contenders/apps.ts';
import type { Contender } from '../contenders/index.ts';
import { startServer, type RunningServer } from '../lib/server.ts';

/** The items starting at `by` (mod length): each round of an interleaved run starts one later. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A CPU share for the progress lines, in % of one core. */
export function pct(value: number | undefined): string {
  return value === undefined ? '  ?' : `${value.toFixed(0).padStart(3)}%`;
}

/**
 * Starts a contender, or returns undefined after reporting why it did not start through
 * `skip`, so one broken contender costs its own rows rather than the whole run.
 */
export async function startOrSkip(
  contender: Contender,
  app: AppKind,
  workers: number,
  skip: (note: string) => void,
): Promise<RunningServer | undefined> {
  try {
    return await startServer(await contender.make(app, workers));
  } catch (error) {
    const lines = (error as Error).message.split('\n');
    const cause = lines.slice(1).find((l) => /error/i.test(l) && !/^\s+at /.test(l));
    skip(`${contender.name} did not start: ${lines[0]}${cause ? ` (${cause.trim()})` : ''}`);
    return undefined;
  }
}
