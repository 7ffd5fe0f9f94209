/**
 * The worker's liveness signal: a timer on the main event loop. A handler that blocks the loop
 * (CPU-bound work, an infinite loop) stops the beats, and the master aborts the worker after its
 * `timeout`; that is the whole point, so the beat must never move to a thread.
 */

/**
 * Calls `beat` every `intervalMs` until the returned function is called. The timer is unref'd:
 * it must not keep an otherwise finished worker alive.
 *
 * @example
 * const stop = startHeartbeat(config.heartbeatMs, () => postToMaster({ act: 'heartbeat' }));
 */
export function startHeartbeat(intervalMs: number, beat: () => void): () => void {
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
