/**
 * Converts the settings' seconds into the milliseconds the machines and workers run on, and
 * derives the intervals no setting names directly.
 */
import type { RestartPolicy } from '../machines/restart-policy.ts';
import type { WorkerTimings } from '../machines/worker-types.ts';
import type { Settings } from '../settings/settings.ts';

/** Time between SIGABRT and SIGKILL for a worker that timed out: enough to report and exit. */
export const ABORT_GRACE_MS = 2_000;

/** Longest wait a worker gives in-flight requests once its master has disappeared. */
export const ORPHAN_GRACE_CAP_MS = 3_000;

export interface MasterTimings {
  worker: WorkerTimings;
  heartbeatMs: number;
  orphanGraceMs: number;
  /** A graceful stop's time for upgraded connections, inside the graceful timeout. */
  upgradeGraceMs: number;
}

/**
 * Heartbeats come at least four times per timeout, and at most once a second, so one late
 * beat under load never looks like silence.
 *
 * @example
 * masterTimings(settings).worker.timeoutMs; // 30000 for the default -t 30
 */
export function masterTimings(
  settings: Pick<Settings, 'timeout' | 'bootTimeout' | 'gracefulTimeout'>,
): MasterTimings {
  const timeoutMs = Math.round(settings.timeout * 1000);
  const gracefulTimeoutMs = Math.round(settings.gracefulTimeout * 1000);
  return {
    worker: {
      timeoutMs,
      bootTimeoutMs: Math.round(settings.bootTimeout * 1000),
      gracefulTimeoutMs,
      abortGraceMs: ABORT_GRACE_MS,
    },
    heartbeatMs: timeoutMs === 0 ? 1000 : Math.max(50, Math.min(1000, Math.floor(timeoutMs / 4))),
    orphanGraceMs: Math.min(gracefulTimeoutMs, ORPHAN_GRACE_CAP_MS),
    upgradeGraceMs: Math.max(0, gracefulTimeoutMs - Math.min(500, gracefulTimeoutMs / 10)),
  };
}

/**
 * @example
 * restartPolicy(settings); // { intensity: 5, periodMs: 10000, backoffMaxMs: 30000 }
 */
export function restartPolicy(
  settings: Pick<Settings, 'restartIntensity' | 'restartPeriod' | 'restartBackoffMax'>,
): RestartPolicy {
  return {
    intensity: settings.restartIntensity,
    periodMs: Math.round(settings.restartPeriod * 1000),
    backoffMaxMs: Math.round(settings.restartBackoffMax * 1000),
  };
}
