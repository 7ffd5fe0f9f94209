/**
 * How a new master learns that its old master has exited, which promotes it.
 *
 * The old master starts the new one with an IPC channel (an `'ipc'` stdio entry) for this alone.
 * Its end of the channel belongs to the old master's process only (libuv opens it close-on-exec,
 * so none of its workers or later children hold a copy), so the channel closes exactly when that
 * process is gone, however it ended, SIGKILL included, and `'disconnect'` arrives at once, with
 * no polling delay. The parent pid decides, though: the kernel reparents a process whose parent
 * exits, so `process.ppid` stops naming the old master at that moment. It is checked when the
 * watch starts (the old master may be gone already) and on `'disconnect'`, and polled when there
 * is no channel to wait on (a new master started by hand), as Gunicorn polls `getppid()`.
 */

/** What the watch needs of the process; `process` itself, or a fake in specs. */
export interface PromotionHost {
  readonly ppid: number;
  readonly connected?: boolean;
  once(event: 'disconnect', listener: () => void): unknown;
  off(event: 'disconnect', listener: () => void): unknown;
}

export interface WatchPromotionOptions {
  /** The old master's pid (`CORRAL_UPGRADE_FROM`). */
  from: number;
  /** Called once, when the old master is gone. */
  onPromoted: () => void;
  host?: PromotionHost;
  /** How often to look at the parent pid when there is no channel to wait on. */
  pollMs?: number;
}

/**
 * Starts watching; returns a function that stops the watch.
 *
 * @example
 * const stop = watchPromotion({ from: handoff.from, onPromoted: () => log.info('Master has been promoted') });
 */
export function watchPromotion(options: WatchPromotionOptions): () => void {
  const host = options.host ?? process;
  let poll: ReturnType<typeof setInterval> | undefined;
  let done = false;
  const stop = () => {
    done = true;
    clearInterval(poll);
    host.off('disconnect', onDisconnect);
  };
  function check(): void {
    if (done || host.ppid === options.from) return;
    stop();
    options.onPromoted();
  }
  function startPolling(): void {
    poll ??= setInterval(check, options.pollMs ?? 500);
    poll.unref();
  }
  // A channel that closes while the old master still shows as the parent would be odd (it never
  // disconnects on purpose): fall back to polling rather than promote early.
  function onDisconnect(): void {
    check();
    if (!done) startPolling();
  }
  if (host.connected === true) host.once('disconnect', onDisconnect);
  else startPolling();
  // Asynchronously, so the caller has its stop function before onPromoted can run.
  setImmediate(check);
  return stop;
}
