/**
 * Starts a real worker process for a spec with `forkWorker`, on a socket from `bindSocket`, and
 * records what it says: IPC messages, stall reports, stdout, stderr and its exit. The worker is
 * SIGKILLed in teardown if it is still running.
 *
 * @example
 * const worker = startWorker(t, bindSocket(t), { app: 'pid-app.mjs' });
 * await worker.waitForMessage('ready');
 */
import type { ExecutionContext } from 'ava';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { forkWorker, reportPipeOf, type ForkWorkerOptions } from '../../actors/fork-worker.ts';
import {
  isWorkerMessage,
  type MasterMessage,
  type WorkerMessage,
} from '../../protocol/ipc-messages.ts';
import { isStallReport, type StallReport } from '../../protocol/stall-report.ts';
import {
  FIRST_LISTENER_FD,
  type WorkerBootConfig,
  type WorkerHttpConfig,
} from '../../protocol/worker-boot.ts';
import type { BoundSocket } from './bound-socket.ts';
import { waitUntil, within } from './wait.ts';

/** The directory of the app fixtures; `app` paths in boot configs are resolved against it. */
export const appFixtures = fileURLToPath(new URL('../fixtures/apps/', import.meta.url));

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerHandle {
  pid: number;
  messages: WorkerMessage[];
  /** Stall reports read from the report pipe so far. */
  reports: StallReport[];
  stdout(): string;
  stderr(): string;
  /** The first message with this act, already received or still to come. */
  waitForMessage<TAct extends WorkerMessage['act']>(
    act: TAct,
  ): Promise<Extract<WorkerMessage, { act: TAct }>>;
  /** The first stall report that `matches` (any, by default), already received or to come. */
  waitForReport(matches?: (report: StallReport) => boolean): Promise<StallReport>;
  /** Resolves once stdout contains the text. */
  waitForStdout(text: string): Promise<void>;
  /** Resolves with the worker's exit code and signal once it exits. */
  waitForExit(): Promise<WorkerExit>;
  kill(signal: NodeJS.Signals): void;
  /** Closes the IPC channel from the master's side, as a dying master does. */
  disconnect(): void;
  /** Sends a message down the IPC channel, as the master does (`promote`, `reopen-logs`). */
  send(message: MasterMessage): void;
}

/**
 * Forks a worker with sensible boot defaults; override any of them.
 *
 * @example
 * const worker = startWorker(t, socket, { app: 'bad-syntax.mjs' });
 * const failed = await worker.waitForMessage('boot-failed');
 */
export function startWorker(
  t: ExecutionContext,
  socket: BoundSocket,
  overrides: Partial<WorkerBootConfig> = {},
): WorkerHandle {
  const bootConfig = bootConfigFor(socket, overrides);
  const child = forkWorker({ bootConfig, listenerFds: [socket.fd], stdio: 'pipe' });
  if (child.pid === undefined) throw new Error('the worker did not start');
  const exited = new Promise<WorkerExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const output = record(child);
  return {
    pid: child.pid,
    ...output,
    waitForMessage: (act) =>
      within(untilMessage(child, output.messages, act), `'${act}' from the worker`),
    waitForReport: async (matches = () => true) => {
      await waitUntil(() => output.reports.some(matches), 'a stall report from the worker');
      return output.reports.filter(matches)[0] as StallReport;
    },
    waitForStdout: (text) => within(untilText(child, output.stdout, text), `'${text}' on stdout`),
    waitForExit: () => within(exited, 'the worker to exit'),
    kill: (signal) => child.kill(signal),
    disconnect: () => child.disconnect(),
    send: (message) => void child.send(message),
  };
}

/** The HTTP side of the boot config at production's defaults, for specs to spread and change. */
export const defaultHttpConfig: WorkerHttpConfig = {
  errorLogfile: '-',
  logFormat: 'text',
  accessLogfile: undefined,
  accessLogformat: '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"',
  limitRequestLine: 4094,
  limitRequestFields: 100,
  limitRequestFieldSize: 8190,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 300_000,
  forwardedAllowIps: '127.0.0.1,::1',
  proxyProtocol: false,
  proxyAllowFrom: '127.0.0.1,::1',
  tls: undefined,
};

/** Production's defaults where they matter (the watchdog runs, recycling is off). */
function bootConfigFor(
  socket: BoundSocket,
  overrides: Partial<WorkerBootConfig>,
): ForkWorkerOptions['bootConfig'] {
  return {
    workerId: 1,
    app: 'pid-app.mjs',
    cwd: appFixtures,
    workerClass: 'async',
    listeners: [{ fd: FIRST_LISTENER_FD, url: `http://127.0.0.1:${socket.port}` }],
    backlog: 64,
    keepAliveMs: 2000,
    workerConnections: 1000,
    heartbeatMs: 100,
    orphanGraceMs: 5000,
    upgradeGraceMs: 5000,
    logLevel: 'info',
    timeoutMs: 30_000,
    bootTimeoutMs: 30_000,
    watchBoot: true,
    maxRequests: 0,
    maxRequestsJitter: 0,
    maxWorkerMemoryMb: 0,
    configFile: undefined,
    hookTimeoutMs: 30_000,
    title: 'corral: worker [spec]',
    http: defaultHttpConfig,
    identity: undefined,
    stats: 'off',
    ...overrides,
  };
}

type Recorded = Pick<WorkerHandle, 'messages' | 'reports' | 'stdout' | 'stderr'>;

function record(child: ChildProcess): Recorded {
  const messages: WorkerMessage[] = [];
  const reports: StallReport[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.on('message', (message) => {
    if (isWorkerMessage(message)) messages.push(message);
  });
  const pipe = reportPipeOf(child);
  if (pipe !== null) {
    createInterface({ input: pipe }).on('line', (line) => {
      const report: unknown = JSON.parse(line);
      if (!isStallReport(report)) throw new Error(`not a stall report: ${line}`);
      reports.push(report);
    });
  }
  return { messages, reports, stdout: () => stdout, stderr: () => stderr };
}

function untilMessage<TAct extends WorkerMessage['act']>(
  child: ChildProcess,
  messages: readonly WorkerMessage[],
  act: TAct,
): Promise<Extract<WorkerMessage, { act: TAct }>> {
  type Wanted = Extract<WorkerMessage, { act: TAct }>;
  const isWanted = (message: WorkerMessage): message is Wanted => message.act === act;
  return new Promise((resolve) => {
    const seen = messages.find(isWanted);
    if (seen !== undefined) return resolve(seen);
    const onMessage = (message: unknown): void => {
      if (!isWorkerMessage(message) || !isWanted(message)) return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
  });
}

function untilText(child: ChildProcess, read: () => string, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (read().includes(text)) return resolve();
    const onData = (): void => {
      // The harness's own listener was added first, so `read()` already has this chunk.
      if (!read().includes(text)) return;
      child.stdout?.off('data', onData);
      resolve();
    };
    child.stdout?.on('data', onData);
  });
}
