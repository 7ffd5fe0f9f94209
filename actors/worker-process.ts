/**
 * The worker machine's `workerProcess` actor: forks one worker process and turns everything it
 * does into events (spawned, IPC messages, stall reports, exit), and the machine's commands
 * into signals (and a held standby's promotion into the IPC message `promote`). The ChildProcess lives only in this closure, so machine snapshots stay plain
 * data.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fromCallback } from 'xstate';
import type {
  WorkerProcessCommand,
  WorkerProcessEvent,
  WorkerProcessInput,
  WorkerSignal,
} from '../machines/worker-machine.ts';
import {
  isWorkerMessage,
  type MasterMessage,
  type WorkerMessage,
} from '../protocol/ipc-messages.ts';
import { isStallReport, type StallReport } from '../protocol/stall-report.ts';
import { reportPipeOf } from './fork-worker.ts';

/**
 * Starts the process for one worker id; the composition root decides what that means. It may
 * wait first (for the `preFork` hook) and give the process later.
 */
export type SpawnWorker = (
  workerId: number,
  generation: number,
  /** In a supervision tree: the child's (or the pool's) path. */
  child?: string,
  /** Start it as a standby (`--standby`): it serves only once promoted. */
  standby?: boolean,
) => ChildProcess | Promise<ChildProcess>;

interface Followed {
  signal(signal: WorkerSignal): void;
  tell(message: MasterMessage): void;
  dispose(): void;
}

/**
 * @example
 * workerMachine.provide({ actors: { workerProcess: workerProcessLogic((id) => forkWorker(...)) } });
 */
export function workerProcessLogic(spawn: SpawnWorker) {
  return fromCallback<WorkerProcessCommand, WorkerProcessInput>(({ input, sendBack, receive }) => {
    const send = (event: WorkerProcessEvent) => sendBack(event);
    let followed: Followed | undefined;
    let stopped = false;
    // A stop the machine sends while the process is not there yet is delivered once it is.
    let pending: WorkerSignal | undefined;
    receive((command) => {
      // Only a standby that said it is held is promoted, so its process is there.
      if (command.type === 'process.promote') followed?.tell({ act: 'promote' });
      else if (followed === undefined) pending = command.signal;
      else followed.signal(command.signal);
    });
    const failed = (error: unknown) => {
      if (!stopped)
        send({ type: 'process.exited', code: null, signal: null, error: String(error) });
    };
    const attach = (child: ChildProcess) => {
      // The machine is gone: nobody would supervise this process.
      if (stopped) return void child.kill('SIGKILL');
      followed = follow(child, send);
      if (pending !== undefined) followed.signal(pending);
    };
    try {
      const started = spawn(input.workerId, input.generation, input.child, input.standby);
      if ('then' in started) started.then(attach, failed);
      else attach(started);
    } catch (error) {
      failed(error);
    }
    return () => {
      stopped = true;
      followed?.dispose();
    };
  });
}

/** Turns what one child process does into events; the events start with `process.spawned`. */
function follow(child: ChildProcess, send: (event: WorkerProcessEvent) => void): Followed {
  let exited = false;
  child.on('message', (message: unknown) => {
    if (isWorkerMessage(message)) send(toEvent(message));
  });
  const reports = reportPipeOf(child);
  if (reports !== null) readStallReports(reports, (report) => send({ type: 'ipc.stall', report }));
  child.once('error', (error) => {
    // 'error' without a pid means the fork itself failed; later errors (a failed kill or
    // send) are followed by 'exit' when they matter.
    if (child.pid === undefined && !exited) {
      exited = true;
      send({ type: 'process.exited', code: null, signal: null, error: error.message });
    }
  });
  child.once('exit', (code, signal) => {
    exited = true;
    send({ type: 'process.exited', code, signal });
  });
  if (child.pid !== undefined) send({ type: 'process.spawned', pid: child.pid });
  return {
    signal(signal) {
      if (!exited) child.kill(signal);
    },
    tell(message) {
      // The callback keeps a send racing the worker's exit from throwing; the exit follows.
      if (!exited && child.connected) child.send(message, undefined, undefined, () => undefined);
    },
    // The actor stops with its machine; a process still running then must not outlive it, and
    // a pipe an orphaned grandchild still holds must not keep the master alive.
    dispose() {
      if (!exited) child.kill('SIGKILL');
      reports?.destroy();
    },
  };
}

/**
 * Calls `onReport` for each stall report on the pipe: one JSON object per line. Lines that are
 * not reports are skipped; the pipe carries nothing else, so one would only be a torn write.
 */
function readStallReports(pipe: Readable, onReport: (report: StallReport) => void): void {
  // A read error (the worker died mid-write) ends the stream; it is no reason to crash.
  pipe.on('error', () => {});
  createInterface({ input: pipe, crlfDelay: Infinity }).on('line', (line) => {
    try {
      const value: unknown = JSON.parse(line);
      if (isStallReport(value)) onReport(value);
    } catch {
      // not JSON: skipped, as above
    }
  });
}

function toEvent(message: WorkerMessage): WorkerProcessEvent {
  switch (message.act) {
    case 'booted':
      return { type: 'ipc.booted' };
    case 'standby':
      return { type: 'ipc.standby' };
    case 'ready':
      return { type: 'ipc.ready' };
    case 'heartbeat':
      // The stats ride on the event so that observers of the actor system see them.
      return message.stats === undefined
        ? { type: 'ipc.heartbeat' }
        : { type: 'ipc.heartbeat', stats: message.stats };
    case 'boot-failed':
      return { type: 'ipc.boot-failed', exitCode: message.exitCode, reason: message.reason };
    case 'stopping':
      return { type: 'ipc.stopping' };
    case 'recycle':
      return { type: 'ipc.recycle', reason: message.reason, detail: message.detail };
  }
}
