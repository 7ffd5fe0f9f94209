/**
 * A binary upgrade under load: does any request fail while a new master takes over?
 *
 *   node --import tsx bench/upgrade-under-load.ts [runs, default 3] [--winch]
 *
 * Each run: `corral examples/hello.js -w 2`, 64 keep-alive connections (autocannon) for the
 * whole run; after 2 s, USR2; wait until the new master's workers are ready; then TERM the old
 * master (with --winch: WINCH first, and TERM once its workers are gone) and wait for "Master
 * has been promoted"; the load goes on for 3 s more on the promoted master.
 *
 * Prints total requests, errors, timeouts and non-2xx per run, and whether zero failed. Not
 * part of the test suite (it measures, it does not assert). All traffic goes to 127.0.0.1;
 * every process it starts is stopped at the end, the new master too (it is not our child).
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const corralBin = fileURLToPath(new URL('../bin/corral.js', import.meta.url));
const helloApp = fileURLToPath(new URL('../examples/hello.js', import.meta.url));
const CONNECTIONS = 64;

interface Master {
  child: ChildProcess;
  port: number;
  /** The old master's log, which the new master shares (it inherits stderr). */
  log: () => string;
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
}

async function startCorral(): Promise<Master> {
  const child = spawn(process.execPath, [corralBin, helloApp, '-w', '2', '-b', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk));
  // The old master exits mid-run on purpose: wait on the log alone, which the new one feeds.
  const waitFor = async (pattern: RegExp, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = text.match(pattern);
      if (match !== null) return match;
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${text}`);
      await sleep(25);
    }
  };
  await waitFor(/Ready: 2 workers serving/);
  const port = Number(/Listening at: http:\/\/127\.0\.0\.1:(\d+)/.exec(text)?.[1]);
  return { child, port, log: () => text, waitFor };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

/** USR2, the new master's workers ready, (WINCH,) TERM to the old one, promotion. */
async function upgrade(master: Master, winch: boolean) {
  const t0 = performance.now();
  master.child.kill('SIGUSR2');
  const newPid = Number((await master.waitFor(/started a new master with pid: (\d+)/))[1]);
  await master.waitFor(/Ready: 2 workers serving[\s\S]*Ready: 2 workers serving/);
  const newReadyMs = performance.now() - t0;
  if (winch) {
    master.child.kill('SIGWINCH');
    await master.waitFor(/All workers stopped \(WINCH\)/);
    while (count(master.log(), /after being asked to stop/g) < 2) await sleep(25);
  }
  const exited = new Promise((resolve) => master.child.once('exit', resolve));
  master.child.kill('SIGTERM');
  await exited;
  await master.waitFor(/Master has been promoted/);
  return { newPid, newReadyMs, promotedMs: performance.now() - t0 };
}

/** The load until stopped, and why requests failed, by error code (the evidence if any do). */
function startLoad(url: string) {
  const causes: Record<string, number> = {};
  let load!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    load = autocannon({ url, connections: CONNECTIONS, duration: 600 }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
  load.on('reqError', (error: NodeJS.ErrnoException) => {
    const code = error.code ?? error.message;
    causes[code] = (causes[code] ?? 0) + 1;
  });
  return { load, done, causes };
}

async function run(index: number, winch: boolean) {
  const master = await startCorral();
  let newPid: number | undefined;
  try {
    const url = `http://127.0.0.1:${master.port}/`;
    const started = performance.now();
    const { load, done, causes } = startLoad(url);
    await sleep(2_000);
    const step = await upgrade(master, winch);
    newPid = step.newPid;
    await sleep(3_000);
    load.stop();
    const result = await done;
    const failed = result.errors + result.timeouts + result.non2xx;
    return {
      run: index,
      seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      requests: result.requests.total,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      causes: Object.entries(causes)
        .map(([code, n]) => `${code} ${n}`)
        .join(', '),
      'new ready (s)': Number((step.newReadyMs / 1000).toFixed(1)),
      'promoted (s)': Number((step.promotedMs / 1000).toFixed(1)),
      'zero failed': failed === 0,
    };
  } finally {
    await stopAll(master, newPid);
  }
}

/** TERM whichever master still runs, and wait until both are gone. */
async function stopAll(master: Master, newPid: number | undefined): Promise<void> {
  for (const pid of [master.child.pid, newPid]) signal(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while ([master.child.pid, newPid].some(alive) && Date.now() < deadline) await sleep(50);
  for (const pid of [master.child.pid, newPid]) signal(pid, 'SIGKILL');
}

function signal(pid: number | undefined, name: NodeJS.Signals): void {
  try {
    if (pid !== undefined) process.kill(pid, name);
  } catch {
    // already gone
  }
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const runs = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? 3);
const winch = process.argv.includes('--winch');
const results = [];
for (let i = 1; i <= runs; i += 1) results.push(await run(i, winch));
console.log(
  `upgrade under load: ${CONNECTIONS} keep-alive connections, -w 2, ${winch ? 'USR2, WINCH, TERM' : 'USR2, TERM'}`,
);
console.table(results);
