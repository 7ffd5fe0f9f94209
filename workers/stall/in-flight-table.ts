/**
 * The requests a worker is serving right now, kept where the stall watchdog can read them while
 * the main thread is stuck: a Map on `globalThis` under a registered symbol. The watchdog thread
 * cannot share JavaScript objects with the main thread, but when it pauses the main thread
 * through the inspector it can evaluate an expression there, and that expression finds the Map
 * by this key. The connection tracker keeps its own per-response records in this same Map, so
 * the watchdog costs no extra work per request (a separate table measured 10% of a hello-world
 * worker's CPU).
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** `Symbol.for(IN_FLIGHT_KEY)` names the table on `globalThis`. */
export const IN_FLIGHT_KEY = 'corral.inFlight';

export interface InFlightEntry {
  method: string;
  url: string;
  /** `Date.now()` when the request started; the watchdog subtracts it from its own clock. */
  startedAt: number;
  /** The connection it came on (the tracker's; the watchdog reads only the fields above). */
  socket: Socket;
  /** `performance.now()` at the start, only while request counts are kept (request-stats.ts). */
  startedHr?: number;
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
