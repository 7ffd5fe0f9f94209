/**
 * Runs one server hook under the policy both processes share: a hook never takes the server
 * down. A throw or a rejection is logged with the hook's name and stack; a promise still pending
 * after the bound is logged as overrunning and left behind. The master and the workers both use
 * it, so it lives here, where worker code may import it.
 */

/** Where hook failures go: the master's logger and the worker's log both fit. */
export interface HookFailureLog {
  error(message: string): void;
}

export interface HookRunOptions {
  /** The longest an async hook is awaited, in ms; 0 waits as long as it takes. */
  timeoutMs: number;
  log: HookFailureLog;
}

/**
 * Calls `hook` with `args`. Returns undefined when there is nothing to wait for (no hook, or it
 * returned something that is not a promise), so a caller on the request path can carry on in the
 * same tick; otherwise a promise that resolves when the hook settles or overruns. Never throws,
 * and the promise never rejects.
 *
 * @example
 * await runHook('whenReady', hooks.whenReady, [server], { timeoutMs: 30_000, log });
 */
export function runHook<TArgs extends readonly unknown[]>(
  name: string,
  hook: ((...args: TArgs) => unknown) | undefined,
  args: TArgs,
  options: HookRunOptions,
): Promise<void> | undefined {
  if (hook === undefined) return undefined;
  let result: unknown;
  try {
    result = hook(...args);
  } catch (error) {
    options.log.error(failureMessage(name, error));
    return undefined;
  }
  return isThenable(result) ? bounded(name, result, options) : undefined;
}

function bounded(name: string, pending: PromiseLike<unknown>, options: HookRunOptions) {
  return new Promise<void>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (options.timeoutMs > 0) {
      // Not unref'd: a master that has nothing else left (onExit) must still wait out the bound.
      timer = setTimeout(() => {
        options.log.error(
          `Hook ${name} did not finish within ${options.timeoutMs / 1000} s; carrying on without it`,
        );
        resolve();
      }, options.timeoutMs);
    }
    const settle = () => {
      clearTimeout(timer);
      resolve();
    };
    // A rejection after an overrun is still reported: it is the only word of what went wrong.
    Promise.resolve(pending).then(settle, (error: unknown) => {
      options.log.error(failureMessage(name, error));
      settle();
    });
  });
}

function failureMessage(name: string, error: unknown): string {
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : error;
  return `Hook ${name} failed: ${String(text)}`;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
