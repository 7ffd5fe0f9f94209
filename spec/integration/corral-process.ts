/**
 * Runs the real `corral` CLI as a child process for integration specs, and reads its log.
 * Every process a spec starts is registered for teardown: the master and every worker pid the
 * log announced are SIGKILLed if still alive, so a failing spec leaves nothing behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const corralBin = fileURLToPath(new URL('../../bin/corral.js', import.meta.url));
/** An app from spec/fixtures/integration. */
export const app = (name: string) =>
  fileURLToPath(new URL(`../fixtures/integration/${name}`, import.meta.url));

/** Deadline for conditions in specs: generous, because CI is a busy 2-core machine. */
export const DEADLINE_MS = 30_000;

export interface CorralProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal) once the master has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The port of the first "Listening at: http://HOST:PORT" line (or https://). */
  port(): Promise<number>;
  /** Pids of every worker the log announced so far. */
  workerPids(): number[];
  signal(name: NodeJS.Signals): void;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** A command that runs corral, such as `['systemd-socket-activate', '-l', ...]`; it must exec. */
  wrap?: string[];
  /** What starts corral itself, `args` after it: `node bin/corral.js` unless given. */
  command?: string[];
  /** File descriptors the master gets as its fds 3, 4, ... (for `-b fd://3`). */
  fds?: number[];
  /**
   * `wrap` starts corral in a pid namespace of its own (`unshare --pid --fork --kill-child`):
   * the pids in its log are that namespace's, not ours to kill, so teardown kills only `child`.
   */
  ownPidNamespace?: boolean;
}

export function startCorral(
  t: ExecutionContext,
  args: string[],
  options: StartOptions = {},
): CorralProcess {
  const command = options.command ?? [process.execPath, corralBin];
  const [file = process.execPath, ...before] = [...(options.wrap ?? []), ...command];
  const child = spawn(file, [...before, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', ...(options.fds ?? [])],
  });
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const wake of waiters) wake();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => {
    done = true;
    for (const wake of waiters) wake();
  });

  const workerPids = () =>
    [...text.matchAll(/Booting worker \d+ with pid: (\d+)/g)].map((m) => Number(m[1]));

  t.teardown(() => {
    const workers = options.ownPidNamespace === true ? [] : workerPids();
    for (const pid of [child.pid, ...workers]) killQuietly(pid);
  });

  const waitFor = (pattern: RegExp, timeoutMs = DEADLINE_MS) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = text.match(pattern);
        if (match) return finish(() => resolve(match));
        if (done)
          return finish(() =>
            reject(new Error(`corral exited before ${pattern} appeared:\n${text}`)),
          );
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(new Error(`timed out waiting for ${pattern}; output so far:\n${text}`)),
          ),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });

  return {
    child,
    output: () => text,
    waitFor,
    exited,
    port: async () => Number((await waitFor(/Listening at: https?:\/\/[^\s]*:(\d+)/))[1]),
    workerPids,
    signal: (name) => child.kill(name),
  };
}

export function killQuietly(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export { isAlive } from '../../actors/process-alive.ts';

/** Polls until `condition` holds, failing after the deadline; for states with no event to await. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = DEADLINE_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Pids of the live node child processes of `pid` (its workers), read from /proc. */
export async function childPids(pid: number): Promise<number[]> {
  const { readFile, readdir } = await import('node:fs/promises');
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // tsx may run a short-lived esbuild child in the master; only node processes are workers
      // (named `node` until the worker sets its title, which Linux cuts to 15 characters).
      const isWorker = command === 'node' || command === 'corral: worker ';
      if (Number(fields[1]) === pid && fields[0] !== 'Z' && isWorker) found.push(Number(entry));
    } catch {
      // the process went away while we looked
    }
  }
  return found;
}

/** One HTTP request; resolves with status, body and headers. */
export async function get(
  port: number,
  path = '/',
  init: RequestInit = {},
): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, init);
  return { status: response.status, body: await response.text(), headers: response.headers };
}
