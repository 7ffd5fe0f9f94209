/**
 * Turns a checked tree spec into what runs it: the root supervisor's input (plain data for the
 * machines) and, by child path, what each process child runs (which the machines never see).
 */
import { resolve } from 'node:path';
import type { ArbiterInput } from '../../machines/arbiter-machine.ts';
import { randomSeed } from '../restart-seed.ts';
import type {
  ChildPlan,
  ProcessChildInput,
  SupervisorInput,
} from '../../machines/supervisor/supervisor-machine.ts';
import {
  kindOf,
  PROCESS_DEFAULTS,
  SUPERVISOR_DEFAULTS,
  type ChildSpec,
  type PoolSpec,
  type ProcessSpec,
  type SupervisorSpec,
} from './tree-spec.ts';

/** What one process child runs: everything resolved, so a restart runs the same thing. */
export interface ProcessRun {
  module?: string;
  command?: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  stdio: 'inherit' | 'ignore';
}

export interface TreePlan {
  input: SupervisorInput;
  /** By child path (`root/jobs/consumer`). */
  processes: Map<string, ProcessRun>;
  /** By supervisor path: the template of a simple_one_for_one supervisor. */
  templates: Map<string, ProcessSpec>;
}

/** The pools of a tree with their paths, to bind their sockets before the tree starts. */
export function poolsOf(spec: SupervisorSpec, path = rootPath(spec)): Array<[string, PoolSpec]> {
  return (spec.children ?? []).flatMap((child): Array<[string, PoolSpec]> => {
    const kind = kindOf(child);
    const at = `${path}/${child.id}`;
    if (kind === 'pool') return [[at, child as PoolSpec]];
    if (kind === 'supervisor') return poolsOf(child as SupervisorSpec, at);
    return [];
  });
}

export const rootPath = (spec: SupervisorSpec) => spec.id ?? SUPERVISOR_DEFAULTS.id;

/**
 * @example
 * const plan = planTree(spec, (path) => pools.get(path)!.input);
 * createActor(machine, { input: plan.input });
 */
export function planTree(
  spec: SupervisorSpec,
  poolInput: (path: string) => ArbiterInput,
  path = rootPath(spec),
): TreePlan {
  const plan: TreePlan = {
    input: supervisorInput(spec, path, []),
    processes: new Map(),
    templates: new Map(),
  };
  plan.input.children = (spec.children ?? []).map((child) =>
    childPlan(child, path, poolInput, plan),
  );
  if (spec.template !== undefined) {
    plan.templates.set(path, spec.template);
    plan.input.template = processPlan({ ...spec.template, id: 'template' });
  }
  return plan;
}

/** The plan of one child and what it runs, registered in `into` (also for addChild). */
export function childPlan(
  child: ChildSpec,
  parent: string,
  poolInput: (path: string) => ArbiterInput,
  into: Pick<TreePlan, 'processes' | 'templates'>,
): ChildPlan {
  const path = `${parent}/${child.id}`;
  const kind = kindOf(child);
  if (kind === 'pool') {
    return {
      id: child.id,
      restart: child.restart ?? 'permanent',
      kind: 'pool',
      input: poolInput(path),
    };
  }
  if (kind === 'process') {
    into.processes.set(path, processRun(child as ProcessSpec));
    return processPlan(child as ProcessSpec);
  }
  const nested = planTree(child as SupervisorSpec, poolInput, path);
  for (const [at, run] of nested.processes) into.processes.set(at, run);
  for (const [at, template] of nested.templates) into.templates.set(at, template);
  return {
    id: child.id,
    restart: child.restart ?? 'permanent',
    kind: 'supervisor',
    input: nested.input,
  };
}

function supervisorInput(
  spec: SupervisorSpec,
  path: string,
  children: ChildPlan[],
): SupervisorInput {
  return {
    path,
    strategy: spec.strategy ?? SUPERVISOR_DEFAULTS.strategy,
    policy: {
      intensity: spec.intensity ?? SUPERVISOR_DEFAULTS.intensity,
      periodMs: spec.periodMs ?? SUPERVISOR_DEFAULTS.periodMs,
      backoffMaxMs: spec.backoffMaxMs ?? SUPERVISOR_DEFAULTS.backoffMaxMs,
    },
    children,
    seed: randomSeed(),
  };
}

export function processPlan(spec: ProcessSpec): ChildPlan {
  return {
    id: spec.id,
    restart: spec.restart ?? PROCESS_DEFAULTS.restart,
    kind: 'process',
    input: processInput(spec),
  };
}

function processInput(spec: ProcessSpec): ProcessChildInput {
  const ready = spec.ready ?? 'spawn';
  const shutdown = spec.shutdown ?? PROCESS_DEFAULTS.shutdown;
  const readyAfterMs = ready === 'spawn' ? 0 : ready === 'ipc' ? undefined : ready.afterMs;
  return {
    timeoutMs: spec.heartbeatTimeoutMs ?? PROCESS_DEFAULTS.heartbeatTimeoutMs,
    bootTimeoutMs:
      readyAfterMs === 0 ? 0 : (spec.readyTimeoutMs ?? PROCESS_DEFAULTS.readyTimeoutMs),
    gracefulTimeoutMs: shutdown === 'brutal_kill' ? 0 : shutdown,
    abortGraceMs: 1_000,
    ...(readyAfterMs !== undefined && { readyAfterMs }),
    brutalKill: shutdown === 'brutal_kill',
    // A generic child has no stall report to give: silence is answered with SIGKILL.
    abortSignal: 'SIGKILL',
  };
}

export function processRun(
  spec: ProcessSpec,
  extra: { args?: string[]; env?: Record<string, string> } = {},
): ProcessRun {
  const cwd = resolve(spec.cwd ?? process.cwd());
  return {
    ...(spec.module !== undefined && { module: resolve(cwd, spec.module) }),
    ...(spec.command !== undefined && { command: spec.command }),
    args: extra.args ?? spec.args ?? [],
    env: { ...spec.env, ...extra.env },
    cwd,
    stdio: spec.stdio ?? 'inherit',
  };
}
