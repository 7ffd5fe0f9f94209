/**
 * A steady load for the fault-injection specs: `connections` keep-alive clients, each sending
 * GETs one after another to an app that answers with its worker's pid, counting what succeeded
 * and what failed. Each client remembers which worker its connection is on, so a spec that kills
 * a worker can count the clients that were bound to it at that moment: the only requests that
 * may fail are theirs.
 *
 * @example
 * const load = startLoad(port, 16);
 * const bound = load.boundTo(victim); // before the kill
 * const { ok, failed } = await load.stop();
 */
import http from 'node:http';

export interface LoadResult {
  ok: number;
  failed: number;
  /** The first few failure messages, for the spec's log. */
  errors: string[];
}

export interface SteadyLoad {
  /**
   * Clients that may be on this pid right now: those whose connection is on it, and those on a
   * new connection that has not answered yet (their worker is not known).
   */
  boundTo(pid: number): number;
  /** Successful responses so far. */
  ok(): number;
  stop(): Promise<LoadResult>;
}

export function startLoad(port: number, connections: number, path = '/'): SteadyLoad {
  // An agent each, so that a client's next request goes on its own connection, not a sibling's.
  const agents = Array.from(
    { length: connections },
    () => new http.Agent({ keepAlive: true, maxSockets: 1 }),
  );
  const result: LoadResult = { ok: 0, failed: 0, errors: [] };
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
        pidOf[index] = 0;
        result.failed += 1;
        if (result.errors.length < 5) result.errors.push((error as Error).message);
      }
    }
  };
  const clients = Array.from({ length: connections }, (_, index) => client(index));
  return {
    boundTo: (pid) => pidOf.filter((bound) => bound === pid || bound === 0).length,
    ok: () => result.ok,
    async stop() {
      running = false;
      await Promise.all(clients);
      for (const agent of agents) agent.destroy();
      return result;
    },
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
