/**
 * What a program gives `createSupervisor`: a tree of supervisors whose leaves are process
 * children (a Node module or any command) and HTTP pools (corral's pre-fork server). Durations
 * are milliseconds, as in OTP's child specs; defaults are OTP's where OTP has one.
 */
import type { RestartType, Strategy } from '../../machines/supervisor/supervisor-machine.ts';
import type { SettingsInput } from '../../settings/program-settings.ts';

export interface SupervisorSpec {
  /** The root's name in paths and logs (default `root`); a nested supervisor's id. */
  id?: string;
  /** Default `one_for_one`. */
  strategy?: Strategy;
  /** More than this many restarts within `periodMs` and the supervisor gives up (default 1). */
  intensity?: number;
  /** Default 5000. */
  periodMs?: number;
  /**
   * 0 (default): past the intensity it gives up at once, as OTP does. More: restarts past the
   * intensity wait 1 s, doubling up to this, before it gives up (the HTTP herd's backoff).
   */
  backoffMaxMs?: number;
  /** As a child of another supervisor (default `permanent`). */
  restart?: RestartType;
  /** Started in order, stopped in reverse. */
  children?: ChildSpec[];
  /** For `simple_one_for_one`: what `addChild` starts (a process child; its id is ignored). */
  template?: ProcessSpec;
}

/** How a process child shows it is up. */
export type Readiness = 'spawn' | 'ipc' | { afterMs: number };

export interface ProcessSpec {
  id: string;
  /** A Node module, forked (`.ts` through tsx, as workers are); relative to `cwd`. */
  module?: string;
  /** Any program, spawned without a shell; found on PATH unless it holds a `/`. */
  command?: string;
  args?: string[];
  /** Added to the supervisor's own environment. */
  env?: Record<string, string>;
  /** Default: the supervisor's working directory. */
  cwd?: string;
  /** Default `permanent`. */
  restart?: RestartType;
  /** `brutal_kill`, or ms between SIGTERM and SIGKILL (default 5000, OTP's). */
  shutdown?: 'brutal_kill' | number;
  /**
   * `spawn` (default): ready once started; `ipc`: when it calls `ready()` from `corral/child`
   * (modules only); `{ afterMs }`: that long after it started.
   */
  ready?: Readiness;
  /** Not ready within this long and it is killed and counted as a failure (default 30000; 0 off). */
  readyTimeoutMs?: number;
  /** With `heartbeat()` from `corral/child`: silent this long and it is killed (default 0, off). */
  heartbeatTimeoutMs?: number;
  /** The child's stdin, stdout and stderr (default `inherit`). */
  stdio?: 'inherit' | 'ignore';
}

/** An HTTP pool: corral's pre-fork server, with the settings `createArbiter` takes. */
export interface PoolSpec {
  id: string;
  http: SettingsInput;
  restart?: RestartType;
}

export type ChildSpec = ProcessSpec | PoolSpec | (SupervisorSpec & { id: string });

/** Per-child changes to a `simple_one_for_one` template. */
export interface DynamicChildOptions {
  args?: string[];
  env?: Record<string, string>;
}

export const SUPERVISOR_DEFAULTS = {
  id: 'root',
  strategy: 'one_for_one' as Strategy,
  intensity: 1,
  periodMs: 5_000,
  backoffMaxMs: 0,
};

export const PROCESS_DEFAULTS = {
  restart: 'permanent' as RestartType,
  shutdown: 5_000,
  readyTimeoutMs: 30_000,
  heartbeatTimeoutMs: 0,
};

/** Which kind of child a spec is, by the field that names what it runs. */
export function kindOf(spec: object): 'pool' | 'process' | 'supervisor' | null {
  if ('http' in spec) return 'pool';
  if ('module' in spec || 'command' in spec) return 'process';
  if ('children' in spec || 'template' in spec || 'strategy' in spec) return 'supervisor';
  return null;
}
