/**
 * The requests a worker is serving right now, kept where the stall watchdog can read them while
 * the main thread is stuck: a Map on `globalThis` under a registered symbol. The watchdog thread
 * cannot share JavaScript objects with the main thread, but when it pauses the main thread
 * through the inspector it can evaluate an expression there, and that expression finds the Map
 * by this key. Keeping it costs one Map entry and one `close` listener per request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** `Symbol.for(IN_FLIGHT_KEY)` names the table on `globalThis`. */
export const IN_FLIGHT_KEY = 'corral.inFlight';

export interface InFlightEntry {
  method: string;
  url: string;
  /** `Date.now()` when the request started; the watchdog subtracts it from its own clock. */
  startedAt: number;
}

export type InFlightTable = Map<ServerResponse, InFlightEntry>;

/**
 * The worker's table, created on first use.
 *
 * @example
 * const table = inFlightTable();
 */
export function inFlightTable(): InFlightTable {
  const key = Symbol.for(IN_FLIGHT_KEY);
  const holder = globalThis as { [key]?: InFlightTable };
  holder[key] ??= new Map();
  return holder[key];
}

/**
 * Records a request until its response closes (finished or cut off).
 *
 * @example
 * server.on('request', (req, res) => trackInFlight(table, req, res));
 */
export function trackInFlight(
  table: InFlightTable,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  table.set(res, { method: req.method ?? '?', url: req.url ?? '?', startedAt: Date.now() });
  res.once('close', () => table.delete(res));
}
