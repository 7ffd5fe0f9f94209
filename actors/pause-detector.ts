/**
 * Tells whether the master's own event loop stood still: stopped by SIGSTOP (a debugger, `kill
 * -STOP`, a paused container or VM) or stalled by a long synchronous task. While it stands,
 * heartbeats pile up unread in the IPC pipes and every worker's timeout timer expires; when it
 * runs again Node fires the expired timers before it reads the pipes, so without this check the
 * master would kill every healthy worker for a silence that was its own.
 *
 * A short interval notes each turn; a gap much longer than its period is a pause. Either order
 * of the timers that expired together is covered: if a worker's timeout fires first, the last
 * turn is long ago; if the interval fires first, it has just recorded the pause.
 *
 * @example
 * const pauses = startPauseDetector();
 * workerMachine.provide({ guards: { masterWasPaused: ({ context }) => pauses.wasPaused(context.timeoutMs) } });
 */

export interface PauseDetector {
  /** The loop stood still for longer than the threshold within the last `withinMs`, or now. */
  wasPaused(withinMs: number): boolean;
  stop(): void;
}

export interface PauseDetectorOptions {
  periodMs?: number;
  /** A gap between turns longer than this is a pause. */
  thresholdMs?: number;
}

export function startPauseDetector(options: PauseDetectorOptions = {}): PauseDetector {
  const periodMs = options.periodMs ?? 100;
  const thresholdMs = options.thresholdMs ?? 1_000;
  let lastTurn = performance.now();
  let pausedAt = Number.NEGATIVE_INFINITY;
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - lastTurn > thresholdMs) pausedAt = now;
    lastTurn = now;
  }, periodMs);
  // It watches; it never keeps the master alive.
  timer.unref();
  return {
    wasPaused(withinMs) {
      const now = performance.now();
      return now - lastTurn > thresholdMs || now - pausedAt < withinMs;
    },
    stop: () => clearInterval(timer),
  };
}
