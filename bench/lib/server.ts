/**
 * Starts a contender's server as its own process group, waits until its log says it is ready
 * (no fixed sleeps), checks that it answers, and stops it: SIGTERM to the master as a user would
 * (its exit code is recorded), then SIGKILL to the whole group so nothing is left behind.
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
}

export interface RunningServer {
  spec: ServerSpec;
  pid: number;
  port: number;
  url: string;
  /** The master's current children (the workers). */
  workerPids(): number[];
  /** Log lines seen since `markLog()`, e.g. to spot worker restarts during a measurement. */
  logSinceMark(): string[];
  markLog(): void;
  /** The last lines of the server's log, for error messages. */
  logTail(): string;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const live = new Set<ChildProcess>();

/** SIGKILLs every server process group still running; safe to call from an 'exit' handler. */
export function killAllServers(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
  live.clear();
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
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  live.add(child);
  const lines: string[] = [];
  let mark = 0;
  let port: number | undefined;
  let readyWorkers = 0;
  let partial = '';

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${spec.name}: not ready after ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length > 2000) {
          lines.splice(0, 1000);
          mark = Math.max(0, mark - 1000);
        }
        const listening = LISTENING.exec(line);
        if (listening && port === undefined) port = Number(listening[1]);
        const readyLine = READY.exec(line);
        if (readyLine) readyWorkers = Number(readyLine[1]);
        if (port !== undefined && readyWorkers >= spec.workers) {
          clearTimeout(timer);
          resolve();
        }
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${spec.name}: exited (${code ?? signal}) before it was ready`));
    });
  });

  const tail = (): string => lines.slice(-20).join('\n');
  try {
    await ready;
  } catch (error) {
    killGroup(child, 'SIGKILL');
    throw new Error(`${(error as Error).message}\n--- log tail ---\n${tail()}`);
  }
  if (child.pid === undefined || port === undefined) throw new Error(`${spec.name}: no pid/port`);
  const pid = child.pid;
  const url = `http://127.0.0.1:${port}/`;
  const answer = await get(url);
  if (answer.status !== 200 || !answer.body.startsWith('Hello')) {
    killGroup(child, 'SIGKILL');
    throw new Error(`${spec.name}: GET / answered ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  return {
    spec,
    pid,
    port,
    url,
    workerPids: () => workerPidsOf(pid),
    markLog: () => void (mark = lines.length),
    logSinceMark: () => lines.slice(mark),
    logTail: tail,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), 15_000).unref(),
      );
      const result = await Promise.race([exited, timeout]);
      // Whatever the master did, nothing of this group may outlive the bench.
      killGroup(child, 'SIGKILL');
      if (result === 'timeout') return { code: null, signal: 'SIGKILL' };
      return result;
    },
  };
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
