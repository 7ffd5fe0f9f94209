/**
 * Lifecycle operations under load: does anything fail while corral replaces its workers?
 *
 *   node --import tsx bench/lifecycle-under-load.ts [reload|recycle|all]
 *
 * - reload: 64 keep-alive connections for the whole run; five HUPs in a row, each waiting for
 *   "Reload done" before the next.
 * - recycle: `-w 2 --max-requests 200` for 10 s under the same load: workers recycle many times.
 *
 * Prints total requests, errors, timeouts and non-2xx responses per scenario; the goal is zero
 * failed requests. Not part of the test suite (it measures, it does not assert). All traffic
 * goes to 127.0.0.1 and stops by itself.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const corralBin = fileURLToPath(new URL('../bin/corral.js', import.meta.url));
const helloApp = fileURLToPath(new URL('../examples/hello.js', import.meta.url));

interface Server {
  child: ChildProcess;
  port: number;
  log: () => string;
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
}

async function startCorral(args: string[]): Promise<Server> {
  const child = spawn(process.execPath, [corralBin, helloApp, '-b', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk));
  const waitFor = async (pattern: RegExp, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(text)) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`no ${pattern}:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  await waitFor(/Ready: \d+ workers? serving/);
  const port = Number(/Listening at: http:\/\/127\.0\.0\.1:(\d+)/.exec(text)?.[1]);
  return { child, port, log: () => text, waitFor };
}

function load(port: number, seconds: number) {
  return autocannon({ url: `http://127.0.0.1:${port}/`, connections: 64, duration: seconds });
}

function summary(name: string, result: autocannon.Result, extra: Record<string, number>) {
  const failed = result.errors + result.timeouts + result.non2xx;
  return {
    scenario: name,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    failed,
    ...extra,
  };
}

async function reloadScenario() {
  const server = await startCorral(['-w', '2']);
  try {
    const running = load(server.port, 20);
    for (let generation = 2; generation <= 6; generation += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      server.child.kill('SIGHUP');
      await server.waitFor(new RegExp(`Reload done: generation ${generation} `));
    }
    const result = await running;
    return summary('5 reloads, 64 keep-alive connections', result, { reloads: 5 });
  } finally {
    server.child.kill('SIGTERM');
  }
}

async function recycleScenario() {
  const server = await startCorral(['-w', '2', '--max-requests', '200']);
  try {
    const result = await load(server.port, 10);
    const recycles = (server.log().match(/Recycling worker/g) ?? []).length;
    return summary('-w 2 --max-requests 200 for 10 s', result, { recycles });
  } finally {
    server.child.kill('SIGTERM');
  }
}

const which = process.argv[2] ?? 'all';
const results = [];
if (which === 'all' || which === 'reload') results.push(await reloadScenario());
if (which === 'all' || which === 'recycle') results.push(await recycleScenario());
console.table(results);
