/**
 * A steady load for the fault-injection specs: `connections` keep-alive clients, each sending
 * GETs one after another to an app that answers with its worker's pid, counting what succeeded
 * and what failed. Each client remembers which worker its connection is on, so a spec that kills
 * a worker can count the clients that were bound to it at that moment: the only requests that
 * may fail are theirs. Each failure is counted against the worker its connection was on (0: a
 * new connection, whose worker never answered), so a spec can check that none failed elsewhere.
 *
 * @example
 * const load = startLoad(t, port, 16);
 * const bound = load.boundTo(victim); // before the kill
 * const { ok, failed } = await load.stop();
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LoadResult {
  ok: number;
  failed: number;
  /** The first few failure messages, for the spec's log. */
  errors: string[];
  /** Failures by the pid of the worker the connection was on; 0 for a new connection. */
  failedOn: Map<number, number>;
}

export interface SteadyLoad {
  /**
   * Clients that may be on this pid right now: those whose connection is on it, and those on a
   * new connection that has not answered yet (their worker is not known).
   */
  boundTo(pid: number): number;
  /** Successful responses so far. */
  ok(): number;
  /** Failures so far. */
  failed(): number;
  stop(): Promise<LoadResult>;
}

/** The pause after a failure: a refused connection fails at once, and must not spin. */
const AFTER_FAILURE_MS = 10;

/** What the load stops with: ava's test context, or the soak's own (bench/soak/load-process.ts). */
export interface LoadOwner {
  teardown(stop: () => Promise<unknown>): void;
}

/** The load stops with the spec, whether it passed, failed or timed out. */
export function startLoad(t: LoadOwner, port: number, connections: number, path = '/'): SteadyLoad {
  // An agent each, so that a client's next request goes on its own connection, not a sibling's.
  const agents = Array.from(
    { length: connections },
    () => new http.Agent({ keepAlive: true, maxSockets: 1 }),
  );
  const result: LoadResult = { ok: 0, failed: 0, errors: [], failedOn: new Map() };
  const pidOf = new Array<number>(connections).fill(0);
  let running = true;
  const client = async (index: number) => {
    while (running) {
      try {
        // On a new connection the worker is not known until it answers.
        const body = await getOnce(agents[index]!, port, path, (reused) => {
          if (!reused) pidOf[index] = 0;
        });
        pidOf[index] = Number(body);
        result.ok += 1;
      } catch (error) {
        const on = pidOf[index]!;
        result.failedOn.set(on, (result.failedOn.get(on) ?? 0) + 1);
        pidOf[index] = 0;
        result.failed += 1;
        if (result.errors.length < 5) result.errors.push((error as Error).message);
        await sleep(AFTER_FAILURE_MS);
      }
    }
  };
  const clients = Array.from({ length: connections }, (_, index) => client(index));
  const stop = async () => {
    running = false;
    await Promise.all(clients);
    for (const agent of agents) agent.destroy();
    return result;
  };
  t.teardown(stop);
  return {
    boundTo: (pid) => pidOf.filter((bound) => bound === pid || bound === 0).length,
    ok: () => result.ok,
    failed: () => result.failed,
    stop,
  };
}

function getOnce(
  agent: http.Agent,
  port: number,
  path: string,
  onSocket: (reused: boolean) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`status ${res.statusCode}`)),
      );
      res.on('error', reject);
    });
    req.once('socket', () => onSocket(req.reusedSocket));
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}
