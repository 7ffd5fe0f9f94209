/**
 * The messages waiting while the inspector's relay cannot be reached: at most `maxMessages` and
 * `maxBytes`, the oldest dropped first, so an inspector that never comes costs a bounded amount
 * of memory. It remembers which actors' registrations are still waiting, so a reconnection
 * re-registers only the live actors whose registration was dropped or already sent.
 *
 * @example
 * const outbox = createOutbox({ maxMessages: 1000, maxBytes: 4 << 20 });
 * outbox.push(text, sessionId);
 * for (const text of outbox.drain()) socket.send(text);
 */

export interface OutboxLimits {
  maxMessages: number;
  /** Counted as the texts' lengths: the messages are JSON, nearly all ASCII. */
  maxBytes: number;
}

interface Queued {
  text: string;
  /** Set for an `@xstate.actor` message: the actor it registers. */
  registers?: string;
}

export function createOutbox(limits: OutboxLimits) {
  const queue: Queued[] = [];
  const waitingRegistrations = new Map<string, number>();
  let bytes = 0;
  let dropped = 0;

  const count = (sessionId: string | undefined, by: number) => {
    if (sessionId === undefined) return;
    const next = (waitingRegistrations.get(sessionId) ?? 0) + by;
    if (next > 0) waitingRegistrations.set(sessionId, next);
    else waitingRegistrations.delete(sessionId);
  };

  const dropOldest = () => {
    const oldest = queue.shift();
    if (oldest === undefined) return;
    bytes -= oldest.text.length;
    count(oldest.registers, -1);
    dropped += 1;
  };

  return {
    push(text: string, registers?: string): void {
      queue.push(registers === undefined ? { text } : { text, registers });
      bytes += text.length;
      count(registers, 1);
      while (queue.length > limits.maxMessages || (bytes > limits.maxBytes && queue.length > 1)) {
        dropOldest();
      }
      if (bytes > limits.maxBytes) dropOldest();
    },
    /** Whether this actor's registration is still among the waiting messages. */
    registers(sessionId: string): boolean {
      return waitingRegistrations.has(sessionId);
    },
    /** Takes every waiting message, oldest first. */
    drain(): string[] {
      const texts = queue.splice(0).map((queued) => queued.text);
      waitingRegistrations.clear();
      bytes = 0;
      return texts;
    },
    get size() {
      return queue.length;
    },
    /** Messages dropped so far to stay within the limits. */
    get dropped() {
      return dropped;
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
