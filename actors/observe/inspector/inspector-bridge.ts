// Being written: the next commit replaces this with the part itself.
import type { ObservePartContext, RunningPart } from '../observe-part.ts';

export async function startInspectorBridge(_context: ObservePartContext): Promise<RunningPart> {
  throw new Error('startInspectorBridge is not built yet');
}
