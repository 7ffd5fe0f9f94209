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
import type { LogSink } from '../../supervision-log.ts';
import { createRelayAdapter } from './relay-adapter.ts';

/**
 * Deep enough for the arbiter's definition (its nested states need 12 levels; the package's
 * default of 10 cuts them), shallow enough to bound what an odd context could cost.
 */
export const SERIALIZATION_DEPTH = 16;

export async function startInspectorBridge(context: ObservePartContext): Promise<RunningPart> {
  const url = context.settings.inspector;
  if (url === undefined) return { stop: async () => {} };
  const connection = connectInspector(url, context.log);
  const untap = context.observation.tap(connection.inspect);
  return {
    async stop() {
      await connection.stop(untap);
    },
  };
}

/**
 * A connection to a Stately inspector's relay at `url`: hand every inspection event of an actor
 * system to `inspect`. Also what `createSupervisor`'s `inspector` option uses for a tree.
 */
export type InspectorConnection = ReturnType<typeof connectInspector>;

export function connectInspector(url: string, log: LogSink) {
  const adapter = createRelayAdapter({ url, log, depth: SERIALIZATION_DEPTH });
  const inspector = createInspector(adapter, { serializationDepthLimit: SERIALIZATION_DEPTH });
  inspector.start();
  log.info(`Inspector: streaming the actor system to ${url}`);
  return {
    inspect: (event: InspectionEvent) => inspector.inspect.next?.(withReadableError(event)),
    /** Once the system is done: `detach` stops the events, then the socket closes. */
    async stop(detach: () => void = () => {}) {
      // The root's final snapshot is inspected just after it completes, which is what stops
      // this; and the package converts each event on a later turn. One turn before the events
      // stop and one after let both reach the socket before it closes.
      await nextTurn();
      detach();
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
