/**
 * USR1, as in Gunicorn: the master reopens its error log, then tells every worker to reopen
 * theirs (error and access logs). Workers hear it as an IPC message, never as USR1: in a Node
 * process with no USR1 listener, USR1 starts the inspector on port 9229.
 */
import type { ChildProcess } from 'node:child_process';
import type { ArbiterEmitted } from '../machines/arbiter-machine.ts';
import type { MasterMessage } from '../protocol/ipc-messages.ts';
import type { LogSink } from './supervision-log.ts';

export interface LogReopenOptions {
  /** The worker processes alive now. */
  children: ReadonlySet<ChildProcess>;
  /** Reopens the master's own log file; absent when the master logs to stderr or not at all. */
  reopen: (() => void) | undefined;
  log: LogSink;
}

interface EmitterOf<TEvent> {
  on(type: '*', handler: (event: TEvent) => void): { unsubscribe(): void };
}

/**
 * @example
 * detach.push(attachLogReopen(actor, { children, reopen: masterLog.reopen, log }));
 */
export function attachLogReopen(
  actor: EmitterOf<ArbiterEmitted>,
  options: LogReopenOptions,
): () => void {
  const subscription = actor.on('*', (event) => {
    if (event.type === 'arbiter.signal' && event.signal === 'usr1') reopenAll(options);
  });
  return () => subscription.unsubscribe();
}

function reopenAll({ children, reopen, log }: LogReopenOptions): void {
  try {
    reopen?.();
  } catch (error) {
    // The old file stays open and keeps the lines; a later USR1 tries again.
    log.error(`Cannot reopen the error log: ${String(error)}`);
  }
  const message: MasterMessage = { act: 'reopen-logs' };
  for (const child of children) {
    // The callback keeps a send racing the worker's exit from throwing.
    if (child.connected) child.send(message, undefined, undefined, () => undefined);
  }
}
