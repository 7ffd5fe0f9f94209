/**
 * `corral/child`: readiness and heartbeats for a Node module supervised by a corral tree.
 *
 * @example
 * import { ready, heartbeatEvery } from 'corral/child';
 * await connectToQueue();
 * ready();
 * heartbeatEvery(1_000);
 */

/** The child is up: with `ready: 'ipc'` in its spec, the next child starts only after this. */
export function ready(): void;
/** One sign of life, for a spec with `heartbeatTimeoutMs`. */
export function heartbeat(): void;
/** Heartbeats every `intervalMs` from this event loop (unref'd); returns a stop function. */
export function heartbeatEvery(intervalMs?: number): () => void;
/** The child's path in the tree (`root/jobs/consumer`), or undefined when not run by corral. */
export function childPath(): string | undefined;
