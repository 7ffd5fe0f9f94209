/**
 * Who is measured in each part of the bench. Every contender is a factory, so each start gets
 * a fresh spec (PM2 a fresh PM2_HOME and port). The peers that need something outside corral
 * (PM2 from npm, Gunicorn from the PATH, corral's `--standby`) are looked up once; a missing one
 * is skipped with a note rather than failing the run.
 */
import type { ServerSpec } from '../lib/server.ts';
import type { AppKind } from './apps.ts';
import { bareSpec, clusterSpec, corralSpec, corralTakesStandby } from './corral.ts';
import { findGunicorn, gunicornSpec } from './gunicorn.ts';
import { ensurePm2, pm2Spec } from './pm2.ts';

export interface Contender {
  name: string;
  make(app: AppKind, workers: number): Promise<ServerSpec> | ServerSpec;
  /** Warm standby workers it keeps beside `workers` (corral --standby). */
  standby?: number;
}

export interface Peers {
  pm2: string | undefined;
  gunicorn: string | undefined;
  standby: boolean;
  /** Why a contender is missing. */
  notes: string[];
}

export function findPeers(root: string, log: (line: string) => void): Peers {
  const notes: string[] = [];
  const pm2 = ensurePm2(log);
  if ('skipped' in pm2) notes.push(pm2.skipped);
  const gunicorn = findGunicorn();
  if ('skipped' in gunicorn) notes.push(gunicorn.skipped);
  const standby = corralTakesStandby(root);
  if ('skipped' in standby) notes.push(standby.skipped);
  return {
    pm2: 'version' in pm2 ? `pm2 ${pm2.version}` : undefined,
    gunicorn: 'version' in gunicorn ? gunicorn.version : undefined,
    standby: 'ok' in standby,
    notes,
  };
}

/** 2 workers each on bench/app/hello.js; `bare` is the ceiling every ratio divides by. */
export function throughputContenders(root: string, peers: Peers): Contender[] {
  const list: Contender[] = [
    { name: 'bare', make: (app, w) => bareSpec('bare', root, app, w) },
    { name: 'corral-async', make: (app, w) => corralSpec('corral-async', root, app, w) },
    {
      name: 'corral-sync',
      make: (app, w) => corralSpec('corral-sync', root, app, w, ['-k', 'sync']),
    },
    {
      name: 'cluster-rr',
      make: (app, w) => clusterSpec('cluster-rr', root, app, w, 'rr', 'stop'),
    },
    {
      name: 'cluster-none',
      make: (app, w) => clusterSpec('cluster-none', root, app, w, 'none', 'stop'),
    },
  ];
  if (peers.pm2 !== undefined)
    list.push({ name: 'pm2', make: (app, w) => pm2Spec('pm2', app, w, root) });
  if (peers.gunicorn !== undefined) {
    list.push({ name: 'gunicorn-sync', make: (app, w) => gunicornSpec('gunicorn-sync', app, w) });
  }
  return list;
}

/** Self-healing servers whose workers are SIGKILLed one at a time. */
export function replacementContenders(root: string, peers: Peers): Contender[] {
  // A budget no run uses up: a kill every second or two is a crash loop by corral's default.
  const budget = ['--restart-intensity', '1000'];
  const list: Contender[] = [
    { name: 'corral', make: (app, w) => corralSpec('corral', root, app, w, budget) },
  ];
  if (peers.standby) {
    list.push({
      name: 'corral-standby',
      standby: 1,
      make: (app, w) => corralSpec('corral-standby', root, app, w, [...budget, '--standby', '1']),
    });
  }
  list.push({
    name: 'cluster',
    make: (app, w) => clusterSpec('cluster', root, app, w, 'rr', 'respawn'),
  });
  return [...list, ...externalPeers(root, peers)];
}

/** Started from nothing (start-up time) and left idle (footprint). */
export function bootContenders(root: string, peers: Peers): Contender[] {
  return [
    { name: 'corral', make: (app, w) => corralSpec('corral', root, app, w) },
    { name: 'cluster', make: (app, w) => clusterSpec('cluster', root, app, w, 'rr', 'stop') },
    ...externalPeers(root, peers),
  ];
}

/** PM2 and Gunicorn, where they are available. */
function externalPeers(root: string, peers: Peers): Contender[] {
  const list: Contender[] = [];
  if (peers.pm2 !== undefined)
    list.push({ name: 'pm2', make: (app, w) => pm2Spec('pm2', app, w, root) });
  if (peers.gunicorn !== undefined) {
    list.push({ name: 'gunicorn', make: (app, w) => gunicornSpec('gunicorn', app, w) });
  }
  return list;
}
