/**
 * PM2 in cluster mode, as a contender. PM2 is never a dependency of corral: the bench installs
 * one pinned version from the npm registry into its own gitignored folder (bench/.peers/pm2),
 * once. Every server gets a private PM2_HOME in a temporary directory, so it can neither see nor
 * disturb a PM2 the user runs, and runs under `pm2-runtime` (PM2 without a daemon, in the
 * foreground and in the bench's process group). Its cleanup runs `pm2 kill` against that home
 * when a daemon socket is left in it, then removes the directory, so no PM2 outlives the bench.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerSpec } from '../lib/server.ts';
import { WORKER_READY, appFile, expectedBody, freePort, type AppKind } from './apps.ts';

/** Pinned, so two runs of the bench measure the same PM2. */
export const PM2_VERSION = '7.0.4';

const prefix = fileURLToPath(new URL('../.peers/pm2/', import.meta.url));
const pm2Root = join(prefix, 'node_modules', 'pm2');
const worker = fileURLToPath(new URL('../servers/pm2-worker.mjs', import.meta.url));

/**
 * PM2's version once it is installed (installing it if needed), or why it cannot be.
 *
 * @example
 * const pm2 = ensurePm2(); if ('skipped' in pm2) log(pm2.skipped);
 */
export function ensurePm2(log: (line: string) => void): { version: string } | { skipped: string } {
  if (installedVersion() !== PM2_VERSION) {
    log(`pm2: installing pm2@${PM2_VERSION} into ${prefix} (once)`);
    try {
      execFileSync(
        'npm',
        ['install', '--prefix', prefix, '--no-audit', '--no-fund', `pm2@${PM2_VERSION}`],
        { stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 },
      );
    } catch (error) {
      return {
        skipped: `PM2 skipped: npm install pm2@${PM2_VERSION} failed (${firstLine(error)})`,
      };
    }
  }
  const version = installedVersion();
  return version === undefined ? { skipped: 'PM2 skipped: not installed' } : { version };
}

function installedVersion(): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(pm2Root, 'package.json'), 'utf8')) as {
      version: string;
    };
    return pkg.version;
  } catch {
    return undefined;
  }
}

/** A PM2 cluster-mode server with `workers` instances of `app`, in a fresh PM2_HOME. */
export async function pm2Spec(
  name: string,
  app: AppKind,
  workers: number,
  root: string,
): Promise<ServerSpec> {
  const home = mkdtempSync(join(tmpdir(), 'corral-bench-pm2-'));
  // PM2 has no port 0 in cluster mode that the bench could read back, so it is chosen here.
  const port = await freePort();
  const ecosystem = join(home, 'ecosystem.json');
  writeFileSync(
    ecosystem,
    JSON.stringify({
      apps: [
        {
          name: 'bench',
          script: worker,
          exec_mode: 'cluster',
          instances: workers,
          env: { BENCH_APP: appFile(app, 'node'), BENCH_PORT: String(port) },
          // Restart a killed worker at once, however often: the replacement bench kills one
          // every second or two, which PM2's defaults would call unstable and stop restarting.
          autorestart: true,
          min_uptime: 0,
          max_restarts: 1_000_000,
        },
      ],
    }),
  );
  const env = { ...process.env, PM2_HOME: home };
  return {
    name,
    command: process.execPath,
    args: [join(pm2Root, 'bin', 'pm2-runtime'), 'start', ecosystem],
    cwd: root,
    workers,
    env,
    workerReadyLine: WORKER_READY,
    expectBody: expectedBody(app),
    cleanup: () => {
      // `pm2 kill` with no daemon running would start one first, so only when one may live.
      if (existsSync(join(home, 'rpc.sock')) || existsSync(join(home, 'pm2.pid'))) {
        execFileSync(process.execPath, [join(pm2Root, 'bin', 'pm2'), 'kill'], {
          env,
          stdio: 'ignore',
          timeout: 20_000,
        });
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

function firstLine(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
  return (stderr || (error as Error).message).split('\n')[0] ?? 'unknown error';
}
