/**
 * `--check-config`'s second half: load the app exactly as a worker would (same process setup,
 * user, environment, loader), in a worker process started in check mode with no sockets, and
 * report whether it booted. The master never imports the app itself, so a check cannot leave
 * the app's timers or connections running in the CLI.
 */
import { isWorkerMessage } from '../protocol/ipc-messages.ts';
import type { Settings } from '../settings/settings.ts';
import { forkWorker } from './fork-worker.ts';
import { checkTlsFiles } from './tls-files.ts';
import { createGenerations } from './generations.ts';
import { workerEnv } from './worker-env.ts';

export type AppCheck = { ok: true } | { ok: false; reason: string };

/**
 * @example
 * const check = await checkApp(settings);
 * if (!check.ok) console.error(check.reason);
 */
export async function checkApp(settings: Settings): Promise<AppCheck> {
  // What the master checks at start is part of the settings being fine.
  checkTlsFiles(settings);
  const generations = createGenerations([]);
  generations.add(1, settings);
  const child = forkWorker({
    bootConfig: { ...generations.bootConfig(1, 1), checkOnly: true },
    listenerFds: [],
    env: workerEnv(process.env, settings.env),
  });
  return new Promise((resolve) => {
    let failure: string | undefined;
    child.on('message', (message: unknown) => {
      if (isWorkerMessage(message) && message.act === 'boot-failed') failure = message.reason;
    });
    child.once('error', (error) => resolve({ ok: false, reason: error.message }));
    child.once('exit', (code, signal) => {
      if (code === 0 && failure === undefined) resolve({ ok: true });
      else resolve({ ok: false, reason: failure ?? `the check exited with ${signal ?? code}` });
    });
  });
}
