/**
 * Starts one process child of a supervision tree: a Node module is forked (with an IPC channel
 * for `corral/child`'s `ready()` and `heartbeat()`, and tsx's loader for `.ts`), a command is
 * spawned without a shell. Stopping is a signal, as for HTTP workers.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { withoutNotifyEnv } from '../systemd/notify-socket.ts';
import type { ProcessRun } from './tree-plan.ts';

/** Tells a child which child of the tree it is (`root/jobs/consumer`). */
export const CHILD_PATH_ENV = 'CORRAL_CHILD';

/**
 * @example
 * const child = spawnProcessChild({ module: '/srv/consumer.mjs', args: [], env: {}, cwd: '/srv', stdio: 'inherit' }, 'root/consumer');
 */
export function spawnProcessChild(run: ProcessRun, path: string): ChildProcess {
  // Only the supervisor's own process talks to systemd.
  const env = { ...withoutNotifyEnv(process.env), ...run.env, [CHILD_PATH_ENV]: path };
  const std = run.stdio;
  if (run.module !== undefined) {
    const typescript = /\.[cm]?ts$/.test(run.module);
    return fork(run.module, run.args, {
      cwd: run.cwd,
      env,
      // Not the supervisor's own flags (an --inspect would clash); tsx only where it is needed.
      execArgv: typescript ? ['--import', import.meta.resolve('tsx')] : [],
      stdio: [std, std, std, 'ipc'],
    });
  }
  return spawn(run.command!, run.args, { cwd: run.cwd, env, stdio: std });
}
