/**
 * The max-worker-memory rule on the worker's side: on every heartbeat, compare the process's
 * resident memory (RSS) with the ceiling, and once it has stayed above it for a few checks in a
 * row, ask the master (once) to be replaced. One check over the line is forgiven: a large
 * request may briefly lift RSS, and the garbage collector gives memory back on its own schedule.
 */

/** Consecutive checks above the ceiling before the worker asks to be replaced. */
export const CHECKS_ABOVE_CEILING = 3;

const MIB = 1024 * 1024;

export interface MemoryCeilingOptions {
  /** The ceiling in MiB; 0 turns the check off. */
  ceilingMb: number;
  /** Called once, with a sentence for the master's log, when RSS stayed above the ceiling. */
  exceeded: (detail: string) => void;
  /** Reads RSS in bytes; `process.memoryUsage.rss` (cheap: no heap walk) unless a spec injects. */
  readRss?: () => number;
}

/**
 * Returns the check to run on each heartbeat.
 *
 * @example
 * const checkMemory = watchMemoryCeiling({ ceilingMb: 512, exceeded: (detail) => askToRecycle(detail) });
 * startHeartbeat(1000, () => { beat(); checkMemory(); });
 */
export function watchMemoryCeiling(options: MemoryCeilingOptions): () => void {
  const readRss = options.readRss ?? (() => process.memoryUsage.rss());
  let above = 0;
  let told = false;
  return () => {
    if (options.ceilingMb <= 0 || told) return;
    const rssMb = readRss() / MIB;
    above = rssMb > options.ceilingMb ? above + 1 : 0;
    if (above < CHECKS_ABOVE_CEILING) return;
    told = true;
    options.exceeded(`RSS ${Math.round(rssMb)} MiB above the ${options.ceilingMb} MiB ceiling`);
  };
}
