/**
 * The soak's load, in a process of its own so that the master it measures (bench/soak.ts) holds
 * none of the load's sockets or garbage: spec/helpers/steady-load.ts's keep-alive clients,
 * driven over IPC. The parent asks `bound` (how many clients may be on a pid it is about to
 * kill) and `stop` (the counts, then this process exits).
 *
 *   fork('bench/soak/load-process.ts', [port, connections])
 */
import { startLoad } from '../../spec/helpers/steady-load.ts';

export type LoadRequest = { ask: 'bound'; pid: number } | { ask: 'ok' } | { ask: 'stop' };
export type LoadAnswer =
  | { bound: number }
  | { ok: number }
  | { ok: number; failed: number; failedOn: Record<string, number>; errors: string[] };

const [port, connections] = process.argv.slice(2).map(Number);
const load = startLoad({ teardown() {} }, port!, connections!);
const answer = (message: LoadAnswer) => process.send?.(message);

process.on('message', (message: LoadRequest) => {
  if (message.ask === 'bound') answer({ bound: load.boundTo(message.pid) });
  else if (message.ask === 'ok') answer({ ok: load.ok() });
  else void stop();
});

async function stop(): Promise<void> {
  const result = await load.stop();
  answer({ ...result, failedOn: Object.fromEntries(result.failedOn) });
  process.disconnect();
}
