/**
 * The requests a worker is serving right now, where the stall watchdog can read them while the
 * main thread is stuck: an object on `globalThis` under a registered symbol. The watchdog thread
 * cannot share JavaScript objects with the main thread, but when it pauses the main thread
 * through the inspector it can evaluate an expression there, and that expression finds this
 * object by its key and calls `entries()`.
 *
 * Nothing is written here per request: each connection tracker registers itself once, and is
 * asked only when someone wants to know (a stall, a heartbeat with request counts, a stop).
 * A table kept per request (a Map entry, an object and a listener) measured several percent of
 * a hello-world worker's CPU.
 */

/** `Symbol.for(IN_FLIGHT_KEY)` names the registry on `globalThis`. */
export const IN_FLIGHT_KEY = 'corral.inFlight';

export interface InFlightEntry {
  method: string;
  url: string;
  /** `Date.now()` when the request started; the watchdog subtracts it from its own clock. */
  startedAt: number;
}

/** What a connection tracker tells about its unfinished responses. */
export interface InFlightSource {
  count(): number;
  entries(): InFlightEntry[];
}

export interface InFlightRegistry extends InFlightSource {
  add(source: InFlightSource): void;
  delete(source: InFlightSource): void;
}

/**
 * The worker's registry, created on first use.
 *
 * @example
 * inFlightRegistry().add(tracker);
 * inFlightRegistry().count(); // 3
 */
export function inFlightRegistry(): InFlightRegistry {
  const key = Symbol.for(IN_FLIGHT_KEY);
  const holder = globalThis as { [key]?: InFlightRegistry };
  holder[key] ??= createRegistry();
  return holder[key];
}

function createRegistry(): InFlightRegistry {
  const sources = new Set<InFlightSource>();
  return {
    add: (source) => void sources.add(source),
    delete: (source) => void sources.delete(source),
    count() {
      let count = 0;
      for (const source of sources) count += source.count();
      return count;
    },
    entries: () => [...sources].flatMap((source) => source.entries()),
  };
}
