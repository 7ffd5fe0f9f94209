/**
 * The `@statelyai/inspect` adapter behind `--inspector`: what `createInspector` hands it goes
 * to the relay as JSON text when connected, and waits in a bounded outbox when not. On every
 * (re)connection it first registers the live actors whose registration is not waiting already,
 * so an inspector that was away knows the arbiter and the workers before their next events.
 * It logs one warning per outage and one line when it (re)connects; never one per retry.
 *
 * @example
 * const adapter = createRelayAdapter({ url, log, depth: 16 });
 * const inspector = createInspector(adapter, { serializationDepthLimit: 16 });
 * inspector.start();
 * await adapter.close();
 */
import type { StatelyInspectionEvent } from '@statelyai/inspect';
import type { LogSink } from '../../supervision-log.ts';
import { toJsonText } from './json-safe.ts';
import { createLiveActors } from './live-actors.ts';
import { createOutbox, type OutboxLimits } from './outbox.ts';
import { createRelaySocket } from './relay-socket.ts';

export interface RelayAdapterOptions {
  url: string;
  log: LogSink;
  /** Nesting kept in every message (the package's serializationDepthLimit). */
  depth: number;
  outbox?: OutboxLimits;
  maxRetryMs?: number;
}

export const DEFAULT_OUTBOX: OutboxLimits = { maxMessages: 1000, maxBytes: 4 << 20 };

export function createRelayAdapter(options: RelayAdapterOptions) {
  const { url, log, depth } = options;
  const outbox = createOutbox(options.outbox ?? DEFAULT_OUTBOX);
  const live = createLiveActors();
  let closed = false;
  let down = false;
  let everOpen = false;
  let droppedBefore = 0;
  let backedUp = 0;

  const socket = createRelaySocket({
    url,
    maxRetryMs: options.maxRetryMs,
    onOpen() {
      for (const registration of live.registrations()) {
        if (!outbox.registers(registration.sessionId))
          socket.send(toJsonText(registration, { depth }));
      }
      for (const text of outbox.drain()) socket.send(text);
      const dropped = outbox.dropped - droppedBefore;
      droppedBefore = outbox.dropped;
      const lost = dropped > 0 ? ` (${dropped} messages dropped while away)` : '';
      log.info(`Inspector: ${everOpen ? 'reconnected' : 'connected'} to ${url}${lost}`);
      everOpen = true;
      down = false;
    },
    onDown(reason, wasOpen, retryMs) {
      log.debug(`Inspector: ${url} unreachable (${reason}); next try in ${retryMs} ms`);
      if (down) return;
      down = true;
      log.warn(
        wasOpen
          ? `Inspector: lost ${url} (${reason}); serving on, reconnecting quietly`
          : `Inspector: cannot reach ${url} (${reason}); serving on without it, retrying quietly every few seconds`,
      );
    },
  });

  return {
    start(): void {
      socket.start();
    },
    /** The package's stop() cannot wait; `close()` is the real one. */
    stop(): void {
      void this.close();
    },
    send(message: StatelyInspectionEvent): void {
      if (closed) return;
      const text = toJsonText(message, { depth });
      if (message.type === '@xstate.actor') live.record(JSON.parse(text) as StatelyInspectionEvent);
      else live.record(message);
      if (socket.send(text)) return;
      if (socket.isOpen) backedUp += 1;
      else outbox.push(text, message.type === '@xstate.actor' ? message.sessionId : undefined);
    },
    async close(): Promise<void> {
      closed = true;
      await socket.stop();
    },
    /** For the log and specs: what is waiting and what was given up. */
    get counts() {
      return { waiting: outbox.size, dropped: outbox.dropped + backedUp, live: live.size };
    },
  };
}

export type RelayAdapter = ReturnType<typeof createRelayAdapter>;
