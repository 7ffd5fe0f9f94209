/**
 * The HTTP pools of a supervision tree: each binds its sockets before the tree starts (a bind
 * error stops the start with nothing left behind) and forks its workers on them, as the CLI's
 * master does. What a pool in a tree leaves out: the PID file, systemd, USR2 upgrades, hooks in
 * the master, the status page and metrics (the tree's `inspect` option sees every actor).
 */
import type { ChildProcess } from 'node:child_process';
import type { ArbiterInput, GenerationSettings } from '../../machines/arbiter-machine.ts';
import type { Settings } from '../../settings/settings.ts';
import { settingsFromProgram } from '../../settings/program-settings.ts';
import { parseAddress } from '../../settings/parse-address.ts';
import { bindListeners, type BoundListener } from '../listeners/bind-listeners.ts';
import { createGenerations, type Generations } from '../generations.ts';
import { randomSeed } from '../restart-seed.ts';
import { checkTlsFiles } from '../tls-files.ts';
import { resolveWorkerIdentity } from '../worker-identity.ts';
import type { PoolSpec } from './tree-spec.ts';

export interface Pool {
  path: string;
  settings: Settings;
  listeners: BoundListener[];
  input: ArbiterInput;
  /** A standby (the pool's `standby` setting) waits for its promotion before it serves. */
  fork(workerId: number, generation: number, standby?: boolean): ChildProcess;
  /** HUP: the pool's settings resolved again against the environment as it is now. */
  reload(generation: number): GenerationSettings;
  close(): void;
}

/**
 * Opens every pool, in tree order; if one cannot be opened, the ones before it are closed.
 *
 * @example
 * const pools = await openPools(poolsOf(spec));
 */
export async function openPools(specs: Array<[string, PoolSpec]>): Promise<Map<string, Pool>> {
  const pools = new Map<string, Pool>();
  try {
    for (const [path, spec] of specs) pools.set(path, await openPool(path, spec));
  } catch (error) {
    for (const pool of pools.values()) pool.close();
    throw error;
  }
  return pools;
}

async function openPool(path: string, spec: PoolSpec): Promise<Pool> {
  const settings = settingsFromProgram(spec.http, process.env);
  // Before anything is bound: an unknown user or a bad TLS file leaves nothing behind.
  const identity = resolveWorkerIdentity(settings);
  checkTlsFiles(settings);
  const listeners = await bindListeners(settings.bind.map((address) => parseAddress(address)));
  const generations: Generations = createGenerations(listeners);
  const input = { ...generations.add(1, settings, identity), seed: randomSeed(), pool: path };
  return {
    path,
    settings,
    listeners,
    input,
    fork: (workerId, generation, standby) => generations.fork(generation, workerId, standby),
    reload: (generation) =>
      generations.add(generation, settingsFromProgram(spec.http, process.env)),
    close: () => listeners.forEach((listener) => listener.close()),
  };
}
