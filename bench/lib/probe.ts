/**
 * Which worker answers: GETs on a new connection each to an app that answers with its pid
 * (bench/app/pid.js, bench/app/pid_wsgi.py). That is how the replacement bench tells that a new
 * worker is serving, the same way for every contender whatever it logs. Raw `net` sockets
 * rather than node:http keep the prober's own CPU small: it is taken from the same cores the
 * replacement worker boots on.
 */
import { connect } from 'node:net';

const REQUEST = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';

/** One request; the pid that answered, or undefined on any error (refused, reset, timeout). */
export function askPid(port: number, timeoutMs = 2_000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    let settled = false;
    const done = (pid: number | undefined): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(pid);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.setEncoding('latin1');
    socket.on('connect', () => socket.write(REQUEST));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => done(undefined));
    // Every contender closes after the response (the request asks it to), so the end of the
    // stream is the end of the body.
    socket.on('end', () => done(parsePid(text)));
    socket.on('close', () => done(parsePid(text)));
  });
}

function parsePid(response: string): number | undefined {
  if (!response.startsWith('HTTP/1.1 200') && !response.startsWith('HTTP/1.0 200')) {
    return undefined;
  }
  const body = response.slice(response.indexOf('\r\n\r\n') + 4).trim();
  const pid = Number(body);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export interface ProbeResult {
  pid: number;
  /** From the call to the response that satisfied it, and when that was (performance.now()). */
  ms: number;
  at: number;
  /** Requests that failed meanwhile (refused, reset or timed out). */
  errors: number;
  requests: number;
}

/**
 * Keeps `concurrency` requests going (each on its own connection, `pauseMs` apart) until one is
 * answered by a pid for which `wanted` is true, or `timeoutMs` passes (undefined). A few
 * requests at a time, because on a shared socket whichever idle worker wakes first accepts: a
 * single sequential prober could keep landing on the survivor.
 */
export async function waitForPid(
  port: number,
  wanted: (pid: number) => boolean,
  { timeoutMs = 10_000, concurrency = 2, pauseMs = 1 } = {},
): Promise<ProbeResult | undefined> {
  const start = performance.now();
  let found: ProbeResult | undefined;
  let errors = 0;
  let requests = 0;
  const loop = async (): Promise<void> => {
    while (found === undefined && performance.now() - start < timeoutMs) {
      requests += 1;
      const pid = await askPid(port);
      if (pid === undefined) errors += 1;
      else if (wanted(pid) && found === undefined) {
        const at = performance.now();
        found = { pid, ms: at - start, at, errors, requests };
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return found;
}

/**
 * The distinct pids answering, once `count` of them have answered or `timeoutMs` has passed:
 * the workers that are serving (a standby that does not accept yet is not among them).
 */
export async function servingPids(
  port: number,
  count: number,
  timeoutMs = 3_000,
): Promise<Set<number>> {
  const seen = new Set<number>();
  await waitForPid(port, (pid) => seen.add(pid).size >= count, { timeoutMs });
  return seen;
}
