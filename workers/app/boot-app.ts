/**
 * Loads the app whatever its shape, including a `server.js` that never exports anything and
 * calls `listen` itself, as PM2 and Node's `cluster` run it.
 *
 * The listen interceptor is in place before the app is imported, and the import races the app's
 * first `listen`:
 *
 * - the app asks to listen first (during its import, or later while the import still waits,
 *   for instance on its own `await once(server, 'listening')`): the worker serves that server.
 *   An import that fails after that is fatal as a failed import always is (exit 3);
 * - the import ends with an app export: the worker serves the export, and Node's own `listen`
 *   is put back;
 * - the module exports nothing: it may listen later (Fastify listens once its plugins are
 *   ready, an app once its database answers); the worker waits for it until a little before
 *   `--boot-timeout`, then fails the boot (exit 4) saying what it waited for;
 * - any other failure is the import's own (exit 3 or 4, as before).
 */
import type { Server } from 'node:http';
import { ExitCode, type BootFailureCode } from '../../protocol/exit-codes.ts';
import { loadApp, type LoadAppResult } from './load-app.ts';
import type { WorkerLog } from '../worker-log.ts';
import { isHttpServer } from './adopt-server.ts';
import { interceptListen, type ListenRequest } from './listen-intercept.ts';

export interface BootAppOptions {
  app: string;
  cwd: string;
  /** The master's boot timeout in ms (0: none), counted from the worker's start. */
  bootTimeoutMs: number;
  /** Where the worker serves (`-b`), for the line that says the app's own port is not used. */
  bindUrls: readonly string[];
  log: WorkerLog;
  /** Ends the worker for a failure found after the boot went on (exit 3 or 4). */
  fatal(exitCode: BootFailureCode, reason: string, cause?: unknown): void;
}

/**
 * @example
 * const loaded = await bootApp({ app: 'server.js', cwd, bootTimeoutMs: 30_000, bindUrls, log, fatal });
 * if (loaded.ok && loaded.server !== undefined) adoptServer(loaded.server);
 */
export async function bootApp(options: BootAppOptions): Promise<LoadAppResult> {
  const intercept = interceptListen({
    onAlias: (asked, first) =>
      options.log.info(
        `The app asked to listen on ${asked} as well as ${first}: corral serves its first server, on the sockets of -b, and refused the other.`,
      ),
    onConflict: (reason) => options.fatal(ExitCode.AppLoadError, reason),
  });
  const loading = loadApp(options.app, options.cwd);
  const first = await Promise.race([
    loading.then((loaded) => ({ loaded })),
    intercept.firstListen.then((listened) => ({ listened })),
  ]);
  if ('listened' in first) return servedScript(first.listened, loading, options);
  const { loaded } = first;
  if (loaded.ok) intercept.release();
  if (loaded.ok || loaded.exportsNothing !== true) return loaded;
  const waitMs = listenWaitMs(options.bootTimeoutMs);
  const listened = await within(intercept.firstListen, waitMs);
  if (listened !== undefined) return servedScript(listened, loading, options);
  const seconds = Math.round(waitMs / 100) / 10;
  return {
    ...loaded,
    reason: `The app '${options.app}' exports nothing and did not call listen() within ${seconds} s (--boot-timeout): corral serves an exported app, or the server a script asks to listen.`,
  };
}

function servedScript(
  listened: ListenRequest,
  loading: Promise<LoadAppResult>,
  options: BootAppOptions,
): LoadAppResult {
  // Whatever the import still does is the app's start; its failure ends the worker as one.
  void loading.then((late) => {
    if (!late.ok && late.exportsNothing !== true && late.exitCode === ExitCode.WorkerBootError) {
      options.fatal(late.exitCode, late.reason, late.cause);
    }
  });
  const { server, asked } = listened;
  if (!isHttpServer(server)) {
    return {
      ok: false,
      exitCode: ExitCode.AppLoadError,
      reason: `The app '${options.app}' asked to listen on ${asked} with a server that is not an http.Server or https.Server; corral serves HTTP/1 servers.`,
    };
  }
  logPortChoice(asked, listened.port, options);
  return {
    ok: true,
    server: server as Server,
    description: `server.js that listens (on ${asked}) from ${options.app}`,
  };
}

/** One line when the app asked for a port or path of its own that -b does not give it. */
function logPortChoice(asked: string, port: number | undefined, options: BootAppOptions): void {
  if (asked === 'any port') return;
  if (port !== undefined && options.bindUrls.some((url) => url.endsWith(`:${port}`))) return;
  const bound = options.bindUrls.join(', ');
  options.log.info(`The app asked to listen on ${asked}; corral serves it on ${bound} (-b).`);
}

/** How long to wait for a late `listen`: until a little before the master's boot timeout. */
function listenWaitMs(bootTimeoutMs: number): number {
  if (bootTimeoutMs <= 0) return Number.POSITIVE_INFINITY;
  const margin = Math.min(500, bootTimeoutMs / 10);
  return Math.max(0, bootTimeoutMs - performance.now() - margin);
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  if (!Number.isFinite(ms)) return promise;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}
