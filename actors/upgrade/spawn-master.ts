/**
 * The arbiter's `upgrade` actor (USR2): starts a new master from the current executable and
 * code, with the same arguments and working directory, handing it the listening sockets as its
 * fds 3, 4, ... (spawn's stdio entries) with the handoff variables naming them
 * (upgrade-handoff.ts), and an IPC channel whose closing tells the new master that this one is
 * gone (upgrade-promotion.ts). Both generations then accept on the same sockets, with no moment
 * when nothing is bound.
 *
 * It reports `upgrade.started` once the new master runs and `upgrade.exited` if it exits (or
 * could not be started at all) while this master still runs. Stopping the actor, which happens
 * when this master halts, never kills the new master: taking over is the point.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fromCallback } from 'xstate';
import type { UpgradeEvent } from '../../machines/arbiter-machine.ts';
import type { BoundListener } from '../listeners/bind-listeners.ts';
import type { ReexecCommand } from './command.ts';
import { handoffEnv } from './handoff.ts';

export interface SpawnMasterOptions {
  /** Absent when an embedding program gave none: then there is nothing to re-execute. */
  command: ReexecCommand | undefined;
  /** The sockets to hand over, in order. */
  listeners: () => readonly Pick<BoundListener, 'address' | 'url' | 'fd' | 'activation'>[];
  /** Why this master may not start an upgrade now, or null when it may. */
  refusal: () => string | null;
  /** The new master's environment before the handoff variables; defaults to this process's. */
  env?: NodeJS.ProcessEnv;
  /** Runs before the new master is started (the `preExec` hook); the start waits for it. */
  beforeExec?: () => Promise<void>;
}

/**
 * @example
 * arbiterMachine.provide({ actors: { upgrade: spawnMasterLogic({ command, listeners: () => listeners, refusal: () => null }) } });
 */
export function spawnMasterLogic(options: SpawnMasterOptions) {
  return fromCallback<{ type: 'noop' }>(({ sendBack }) => {
    const report = (event: UpgradeEvent) => sendBack(event);
    const { command } = options;
    const reason =
      command === undefined
        ? 'no command line to re-execute was given (an embedding program must pass `reexec`)'
        : options.refusal();
    if (command !== undefined && reason === null) {
      if (options.beforeExec === undefined) return startNewMaster(command, options, report);
      return afterPreExec(options.beforeExec, () => startNewMaster(command, options, report));
    }
    report({ type: 'upgrade.exited', pid: null, code: null, signal: null, error: String(reason) });
    return undefined;
  });
}

/** Starts once `before` is done, unless the actor was stopped meanwhile (this master halted). */
function afterPreExec(before: () => Promise<void>, start: () => () => void): () => void {
  let stopped = false;
  let detach: (() => void) | undefined;
  void before().then(() => {
    if (!stopped) detach = start();
  });
  return () => {
    stopped = true;
    detach?.();
  };
}

function startNewMaster(
  command: ReexecCommand,
  options: SpawnMasterOptions,
  report: (event: UpgradeEvent) => void,
): () => void {
  const listeners = options.listeners();
  let child: ChildProcess;
  try {
    child = spawn(command.file, [...command.args], {
      cwd: command.cwd,
      env: { ...(options.env ?? process.env), ...handoffEnv(process.pid, listeners) },
      // fds 3, 4, ... are the sockets; the channel after them exists only to close.
      stdio: ['ignore', 'inherit', 'inherit', ...listeners.map((l) => l.fd), 'ipc'],
    });
  } catch (error) {
    report({ type: 'upgrade.exited', pid: null, code: null, signal: null, error: describe(error) });
    return () => undefined;
  }
  // The new master must keep nothing of this one alive, nor be kept alive by it.
  child.unref();
  child.channel?.unref();
  return follow(child, report);
}

/** Reports the new master's start and exit; returns the function that stops following it. */
function follow(child: ChildProcess, report: (event: UpgradeEvent) => void): () => void {
  let started = false;
  let attached = true;
  const onSpawn = () => {
    started = true;
    report({ type: 'upgrade.started', pid: child.pid! });
  };
  const onError = (error: Error) => {
    // After the spawn, errors concern the channel, which carries nothing; the exit still comes.
    if (started) return;
    detach();
    report({ type: 'upgrade.exited', pid: null, code: null, signal: null, error: describe(error) });
  };
  const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
    detach();
    report({ type: 'upgrade.exited', pid: child.pid ?? null, code, signal });
  };
  function detach(): void {
    if (!attached) return;
    attached = false;
    child.off('spawn', onSpawn).off('error', onError).off('exit', onExit);
    // Errors on the channel must not become uncaught once nobody listens.
    child.on('error', () => undefined);
  }
  child.once('spawn', onSpawn).on('error', onError).once('exit', onExit);
  return detach;
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return `could not start a new master: ${text}`;
}
