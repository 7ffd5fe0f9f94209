// Being written: the next commit replaces this with the part itself.
import type { ObservePartContext, RunningPart } from '../observe-part.ts';

export async function startPrometheus(_context: ObservePartContext): Promise<RunningPart> {
  throw new Error('startPrometheus is not built yet');
}
