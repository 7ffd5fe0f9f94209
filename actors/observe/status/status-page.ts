// Being written: the next commit replaces this with the part itself.
import type { ObservePartContext, RunningPart } from '../observe-part.ts';

export async function startStatusPage(_context: ObservePartContext): Promise<RunningPart> {
  throw new Error('startStatusPage is not built yet');
}
