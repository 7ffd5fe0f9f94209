/**
 * `--inspector URL`: the master's whole actor system (the arbiter, every worker machine and the
 * actors they invoke, as each is spawned and stopped, every event and snapshot) streamed to a
 * Stately inspector's WebSocket relay, in `@statelyai/inspect`'s own message format. The
 * package's WebSocket client is not used: it retries every 5 s forever and holds the event loop
 * after `stop()`. Ours (relay-adapter.ts) never holds the master up and never grows unbounded.
 *
 * @example
 * const part = await startInspectorBridge({ observation, settings, log });
 * await part.stop();
 */
import { createInspector } from '@statelyai/inspect';
import type { InspectionEvent } from 'xstate';
import type { ObservePartContext, RunningPart } from '../observe-part.ts';
import { createRelayAdapter } from './relay-adapter.ts';

/**
 * Deep enough for the arbiter's definition (its nested states need 12 levels; the package's
 * default of 10 cuts them), shallow enough to bound what an odd context could cost.
 */
export const SERIALIZATION_DEPTH = 16;

export async function startInspectorBridge(context: ObservePartContext): Promise<RunningPart> {
  const url = context.settings.inspector;
  if (url === undefined) return { stop: async () => {} };
  const adapter = createRelayAdapter({ url, log: context.log, depth: SERIALIZATION_DEPTH });
  const inspector = createInspector(adapter, { serializationDepthLimit: SERIALIZATION_DEPTH });
  inspector.start();
  context.log.info(`Inspector: streaming the actor system to ${url}`);
  const untap = context.observation.tap((event) =>
    inspector.inspect.next?.(withReadableError(event)),
  );
  return {
    async stop() {
      // The arbiter's final snapshot is inspected just after it completes, which is what stops
      // this part; and the package converts each event on a later turn. One turn before the
      // tap goes and one after let both reach the socket before it closes.
      await nextTurn();
      untap();
      await nextTurn();
      await adapter.close();
    },
  };
}

const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * A failed actor's snapshot carries an Error, which the package's own serializer turns into
 * `{}`: give it a copy with the error's name and message instead (the actor's is not touched).
 */
function withReadableError(event: InspectionEvent): InspectionEvent {
  if (event.type !== '@xstate.snapshot') return event;
  const snapshot = event.snapshot as { status?: string; error?: unknown };
  if (snapshot.status !== 'error' || !(snapshot.error instanceof Error)) return event;
  const { name, message } = snapshot.error;
  return { ...event, snapshot: { ...event.snapshot, error: { name, message } } } as InspectionEvent;
}
