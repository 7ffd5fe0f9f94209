// Being written: the next commit replaces this with the part itself.
import type { ObservePartContext, RunningPart } from '../observe-part.ts';

export async function startStatsd(_context: ObservePartContext): Promise<RunningPart> {
  throw new Error('startStatsd is not built yet');
}
