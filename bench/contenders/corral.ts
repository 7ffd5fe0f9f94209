/** corral and the Node servers it is compared with, as ServerSpecs, and what this corral accepts. */
import { spawnSync } from 'node:child_process';
import type { ServerSpec } from '../lib/server.ts';
import { appFile, expectedBody, type AppKind } from './apps.ts';

export function corralSpec(
  name: string,
  root: string,
  app: AppKind,
  workers: number,
  extra: string[] = [],
): ServerSpec {
  return {
    name,
    command: process.execPath,
    args: [
      'bin/corral.js',
      appFile(app, 'node'),
      '-w',
      String(workers),
      '-b',
      '127.0.0.1:0',
    ].concat(extra),
    cwd: root,
    workers,
    expectBody: expectedBody(app),
  };
}

/** The ceiling: bench/servers/bare.mjs (plain JavaScript, as corral's built code). */
export function bareSpec(name: string, root: string, app: AppKind, workers: number): ServerSpec {
  return {
    name,
    command: process.execPath,
    args: ['bench/servers/bare.mjs', appFile(app, 'node'), String(workers), '0'],
    cwd: root,
    workers,
    expectBody: expectedBody(app),
  };
}

/** bench/servers/cluster.mjs: `rr` or `none` scheduling; a dead worker stops it or is re-forked. */
export function clusterSpec(
  name: string,
  root: string,
  app: AppKind,
  workers: number,
  policy: 'rr' | 'none',
  onExit: 'stop' | 'respawn',
): ServerSpec {
  return {
    name,
    command: process.execPath,
    args: ['bench/servers/cluster.mjs', appFile(app, 'node'), String(workers), '0', policy, onExit],
    cwd: root,
    workers,
    expectBody: expectedBody(app),
  };
}

/**
 * Whether this corral takes `--standby N` (warm standby workers), asked through
 * `--check-config`, which checks the settings and that the app loads, then exits.
 */
export function corralTakesStandby(root: string): { ok: true } | { skipped: string } {
  const probe = spawnSync(
    process.execPath,
    ['bin/corral.js', appFile('pid', 'node'), '-w', '2', '--standby', '1', '--check-config'],
    { cwd: root, encoding: 'utf8', timeout: 30_000 },
  );
  if (probe.status === 0) return { ok: true };
  const why = `${probe.stderr}${probe.stdout}`.trim().split('\n')[0] ?? `exit ${probe.status}`;
  return { skipped: `corral --standby 1 skipped: this corral rejects it (${why})` };
}
