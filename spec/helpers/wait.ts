/**
 * Waiting on conditions in process specs: generous deadlines that only bound a hung test,
 * never a timing assertion.
 */

/** Long enough for a busy 2-core CI machine; a failure reports what was awaited. */
export const DEADLINE_MS = 20_000;

/**
 * Resolves with the promise's value, or rejects naming `what` once `ms` have passed.
 *
 * @example
 * await within(exited, 'the worker to exit');
 */
export function within<T>(promise: Promise<T>, what: string, ms = DEADLINE_MS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Polls a condition until it holds, or rejects naming `what` after `ms`.
 *
 * @example
 * await waitUntil(() => worker.messages.length > 3, 'three messages');
 */
export async function waitUntil(
  condition: () => boolean,
  what: string,
  ms = DEADLINE_MS,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
