/**
 * Starts a contender's server as its own process group, waits until its log says it is ready
 * (no fixed sleeps), checks that it answers, and stops it: SIGTERM to the master as a user would
 * (its exit code is recorded), then SIGKILL to the whole group so nothing is left behind, then
 * the contender's own cleanup (PM2's daemon and home directory).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { workerPidsOf } from './proc.ts';

export interface ServerSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  workers: number;
  env?: NodeJS.ProcessEnv;
  /**
   * Ready once this many distinct pids logged this line (its first group is the pid), for a
   * server that does not log corral's `Ready: N workers serving` (PM2, Gunicorn).
   */
  workerReadyLine?: RegExp;
  /** What `GET /` must answer once ready; bench/app/hello.js by default. */
  expectBody?: RegExp;
  /**
   * Runs synchronously once the process group is gone, also from the bench's 'exit' handler:
   * whatever the contender may leave outside its group.
   */
  cleanup?: () => void;
}

export interface RunningServer {
  spec: ServerSpec;
  pid: number;
  port: number;
  url: string;
  /** From the spawn to the log saying every worker is ready, in ms. */
  readyMs: number;
  /** The master's current children (the workers). */
  workerPids(): number[];
  /** Log lines seen since `markLog()`, e.g. to spot worker restarts during a measurement. */
  logSinceMark(): string[];
  markLog(): void;
  /** Calls `listener` with every log line from now on, until the returned function is called. */
  onLine(listener: (line: string) => void): () => void;
  /** The last lines of the server's log, for error messages. */
  logTail(): string;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Started and not yet stopped, even if the master has exited: its group may live on. */
const live = new Map<ChildProcess, ServerSpec>();

/** SIGKILLs every server process group not yet stopped; safe to call from an 'exit' handler. */
export function killAllServers(): void {
  for (const [child, spec] of live) {
    killGroup(child, 'SIGKILL');
    runCleanup(spec);
  }
  live.clear();
}

function runCleanup(spec: ServerSpec): void {
  try {
    spec.cleanup?.();
  } catch (error) {
    process.stderr.write(`bench: cleanup of ${spec.name} failed: ${(error as Error).message}\n`);
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

const LISTENING = /Listening at: http:\/\/127\.0\.0\.1:(\d+)/;
const READY = /Ready: (\d+) workers? serving/;

/**
 * Starts the server and resolves once it has logged both its address and that all its workers
 * are serving, and a GET / has answered 200.
 *
 * @example
 * const server = await startServer({ name: 'bare', command: 'node', args, cwd, workers: 2 });
 */
export async function startServer(spec: ServerSpec, timeoutMs = 60_000): Promise<RunningServer> {
  const startedAt = performance.now();
  let readyMs = Number.NaN;
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    detached: true,
    // Both streams: PM2 logs its own lines to stdout and its workers' to stderr.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.set(child, spec);
  const lines: string[] = [];
  let mark = 0;
  let port: number | undefined;
  let readyWorkers = 0;
  const readyPids = new Set<number>();
  const partial = { stdout: '', stderr: '' };
  const listeners = new Set<(line: string) => void>();

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    }),
  );

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${spec.name}: not ready after ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onData = (stream: 'stdout' | 'stderr', chunk: string): void => {
      const parts = (partial[stream] + chunk).split('\n');
      partial[stream] = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        for (const listener of listeners) listener(line);
        if (lines.length > 2000) {
          lines.splice(0, 1000);
          mark = Math.max(0, mark - 1000);
        }
        const listening = LISTENING.exec(line);
        if (listening && port === undefined) port = Number(listening[1]);
        if (spec.workerReadyLine === undefined) {
          const readyLine = READY.exec(line);
          if (readyLine) readyWorkers = Number(readyLine[1]);
        } else {
          const workerLine = spec.workerReadyLine.exec(line);
          if (workerLine) readyWorkers = readyPids.add(Number(workerLine[1])).size;
        }
        if (port !== undefined && readyWorkers >= spec.workers && Number.isNaN(readyMs)) {
          readyMs = performance.now() - startedAt;
          clearTimeout(timer);
          resolve();
        }
      }
    };
    child.stdout?.setEncoding('utf8').on('data', (c: string) => onData('stdout', c));
    child.stderr?.setEncoding('utf8').on('data', (c: string) => onData('stderr', c));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${spec.name}: exited (${code ?? signal}) before it was ready`));
    });
  });

  const tail = (): string => lines.slice(-20).join('\n');
  try {
    await ready;
  } catch (error) {
    await killAndClean(child, spec, exited);
    throw new Error(`${(error as Error).message}\n--- log tail ---\n${tail()}`);
  }
  if (child.pid === undefined || port === undefined) throw new Error(`${spec.name}: no pid/port`);
  const pid = child.pid;
  const url = `http://127.0.0.1:${port}/`;
  const answer = await get(url);
  if (answer.status !== 200 || !(spec.expectBody ?? /^Hello/).test(answer.body)) {
    await killAndClean(child, spec, exited);
    throw new Error(`${spec.name}: GET / answered ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  return {
    spec,
    pid,
    port,
    url,
    readyMs,
    workerPids: () => workerPidsOf(pid),
    markLog: () => void (mark = lines.length),
    logSinceMark: () => lines.slice(mark),
    onLine(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    logTail: tail,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), 15_000).unref(),
      );
      const result = await Promise.race([exited, timeout]);
      // Whatever the master did, nothing of this group may outlive the bench.
      killGroup(child, 'SIGKILL');
      live.delete(child);
      runCleanup(spec);
      if (result === 'timeout') return { code: null, signal: 'SIGKILL' };
      return result;
    },
  };
}

/** SIGKILL to the group, its exit awaited (briefly), then the contender's cleanup. */
async function killAndClean(
  child: ChildProcess,
  spec: ServerSpec,
  exited: Promise<unknown>,
): Promise<void> {
  killGroup(child, 'SIGKILL');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  live.delete(child);
  runCleanup(spec);
}

/** One GET with a fresh connection; resolves with the status and body. */
export function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
