/**
 * The registration (`@xstate.actor` message) of every actor still alive, with its latest
 * snapshot, so that an inspector reached later, or again after the relay restarted, learns the
 * arbiter and the workers before their next events. An actor is forgotten when a snapshot says
 * it is no longer active, and with it every actor it had spawned.
 *
 * @example
 * const live = createLiveActors();
 * live.record(message); // every message sent
 * for (const registration of live.registrations()) send(registration);
 */
import type { StatelyInspectionEvent } from '@statelyai/inspect';

/** Far more than a master runs at once; a safety net if stopped actors went unreported. */
const MAX_LIVE = 2000;

type Registration = StatelyInspectionEvent & { type: '@xstate.actor' };

export function createLiveActors() {
  const live = new Map<string, Registration>();

  function forget(sessionId: string): void {
    if (!live.delete(sessionId)) return;
    for (const [id, registration] of live) {
      if (registration.parentId === sessionId) forget(id);
    }
  }

  return {
    /** Takes in a message as it is sent (JSON-parsed, so it holds no live objects). */
    record(message: StatelyInspectionEvent): void {
      if (message.type === '@xstate.actor') {
        live.set(message.sessionId, message);
        if (live.size > MAX_LIVE) forget(live.keys().next().value as string);
        return;
      }
      if (message.type !== '@xstate.snapshot') return;
      const registration = live.get(message.sessionId);
      if (registration === undefined) return;
      const snapshot = message.snapshot as { status?: string };
      if (snapshot.status !== undefined && snapshot.status !== 'active') forget(message.sessionId);
      else registration.snapshot = message.snapshot;
    },
    /** Oldest first, so a parent comes before the actors it spawned. */
    registrations(): Registration[] {
      return [...live.values()];
    },
    get size() {
      return live.size;
    },
  };
}
