// Being written: the next commit replaces this with the part itself.
import type { ObservePartContext, RunningPart } from '../observe-part.ts';

export async function startControlSocket(_context: ObservePartContext): Promise<RunningPart> {
  throw new Error('startControlSocket is not built yet');
}
