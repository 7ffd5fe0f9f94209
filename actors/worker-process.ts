/**
 * The worker machine's `workerProcess` actor: forks one worker process and turns everything it
 * does into events (spawned, IPC messages, exit), and the machine's commands into signals.
 * The ChildProcess lives only in this closure, so machine snapshots stay plain data.
 */
import type { ChildProcess } from 'node:child_process';
import { fromCallback } from 'xstate';
import type {
  WorkerProcessCommand,
  WorkerProcessEvent,
  WorkerProcessInput,
} from '../machines/worker-machine.ts';
import { isWorkerMessage, type WorkerMessage } from '../protocol/ipc-messages.ts';

/** Starts the process for one worker id; the composition root decides what that means. */
export type SpawnWorker = (workerId: number) => ChildProcess;

/**
 * @example
 * workerMachine.provide({ actors: { workerProcess: workerProcessLogic((id) => forkWorker(...)) } });
 */
export function workerProcessLogic(spawn: SpawnWorker) {
  return fromCallback<WorkerProcessCommand, WorkerProcessInput>(({ input, sendBack, receive }) => {
    const send = (event: WorkerProcessEvent) => sendBack(event);
    let child: ChildProcess;
    try {
      child = spawn(input.workerId);
    } catch (error) {
      send({ type: 'process.exited', code: null, signal: null, error: String(error) });
      return undefined;
    }
    let exited = false;
    child.on('message', (message: unknown) => {
      if (isWorkerMessage(message)) send(toEvent(message));
    });
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
    receive((command) => {
      if (!exited) child.kill(command.signal);
    });
    // The actor stops with its machine; a process still running then must not outlive it.
    return () => {
      if (!exited) child.kill('SIGKILL');
    };
  });
}

function toEvent(message: WorkerMessage): WorkerProcessEvent {
  switch (message.act) {
    case 'booted':
      return { type: 'ipc.booted' };
    case 'ready':
      return { type: 'ipc.ready' };
    case 'heartbeat':
      return { type: 'ipc.heartbeat' };
    case 'boot-failed':
      return { type: 'ipc.boot-failed', exitCode: message.exitCode, reason: message.reason };
    case 'stopping':
      return { type: 'ipc.stopping' };
  }
}
