/**
 * How big the fault scenarios are. In `npm test` they are short: 16 clients, 4 s of kills, 10
 * HUPs. `npm run bench:faults` runs the same scenarios long, as issue 13 states them (64
 * connections, a kill every 200 ms for 10 s, 20 HUPs), by setting CORRAL_FAULTS=long.
 */
const long = process.env['CORRAL_FAULTS'] === 'long';

export const scale = long
  ? { connections: 64, killSeconds: 10, hups: 20, timeoutMs: 600_000 }
  : { connections: 16, killSeconds: 4, hups: 10, timeoutMs: 120_000 };
