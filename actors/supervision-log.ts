/**
 * Turns what the arbiter emits into log lines, in the spirit of Gunicorn's (so operators find
 * "Booting worker with pid", "WORKER TIMEOUT", "Shutting down: Master"), but saying who killed a
 * worker and why. The machines never log; this observer is the only place that does.
 */
import type { ArbiterEmitted, RetiredFor } from '../machines/arbiter-machine.ts';
import type { WorkerExit } from '../machines/worker-types.ts';
import { logFields, type LogFields } from '../logging/log-fields.ts';
import { describeStall } from './stall-log.ts';

/**
 * The part of a logger this module needs; tslog's Logger fits it. Extra arguments are fields
 * for JSON lines ({@link LogFields}), which a text line leaves out.
 */
export interface LogSink {
  debug(message: string, ...fields: LogFields[]): unknown;
  info(message: string, ...fields: LogFields[]): unknown;
  warn(message: string, ...fields: LogFields[]): unknown;
  error(message: string, ...fields: LogFields[]): unknown;
  fatal(message: string, ...fields: LogFields[]): unknown;
}

type Line = [level: keyof LogSink, message: string];

/**
 * @example
 * arbiter.on('*', (event) => logSupervision(logger, event));
 */
export function logSupervision(log: LogSink, event: ArbiterEmitted): void {
  const fields = eventFields(event);
  for (const [level, message] of describe(event)) log[level](message, fields);
}

/** A JSON line names the event it reports and, for a worker's, the worker. */
function eventFields(event: ArbiterEmitted): LogFields {
  const workerId = 'workerId' in event ? event.workerId : undefined;
  return logFields(
    workerId === undefined ? { event: event.type } : { event: event.type, workerId },
  );
}

export function describe(event: ArbiterEmitted): Line[] {
  switch (event.type) {
    case 'arbiter.signal':
      return event.handled
        ? [['info', `Handling signal: ${event.signal}`]]
        : [['info', `Ignoring signal: ${event.signal} (not handled by this version of corral)`]];
    case 'arbiter.ready':
      return [['info', `Ready: ${event.workers} worker${event.workers === 1 ? '' : 's'} serving`]];
    case 'arbiter.stopping':
      return [
        [
          'info',
          event.mode === 'graceful' ? 'Stopping workers gracefully' : 'Stopping workers quickly',
        ],
      ];
    case 'arbiter.halted':
      return event.exitCode === 0
        ? [['info', 'Shutting down: Master']]
        : [
            ['error', 'Shutting down: Master'],
            ['error', `Reason: ${event.reason}`],
          ];
    case 'workers.changed':
      return [['info', `Worker count: ${event.previous} -> ${event.target}`]];
    case 'worker.spawned':
      return [
        [
          'info',
          `Booting worker ${event.workerId} with pid: ${event.pid}${event.standby ? ' (standby)' : ''}`,
        ],
      ];
    case 'worker.standby':
      return [['info', `Standby worker ${event.workerId} (pid:${event.pid}) ready`]];
    case 'worker.promoted':
      return [['info', promotedLine(event)]];
    case 'standby.suspended':
      return [
        [
          'warn',
          `No standby workers in generation ${event.generation} until the next reload (HUP): ${event.because === 'boot' ? `standby worker ${event.workerId} failed to boot` : 'standby workers keep crashing'}`,
        ],
      ];
    case 'worker.ready':
      return [['info', `Worker ${event.workerId} (pid:${event.pid}) ready`]];
    case 'worker.timeout':
      return [['fatal', timeoutMessage(event)]];
    case 'worker.exited':
      return [exitLine(event)];
    case 'worker.stall':
      return [['error', describeStall(event)]];
    case 'worker.recycling':
      return [
        [
          'info',
          `Recycling worker ${event.workerId} (pid:${event.pid}): ${event.detail}; a replacement starts first`,
        ],
      ];
    case 'arbiter.paused':
      return [['info', 'All workers stopped (WINCH); the master keeps running until HUP or TERM']];
    case 'restart.delayed':
      return [
        [
          'warn',
          `Workers keep crashing (${event.recent} restarts within the restart period): next restart in ${(event.delayMs / 1000).toFixed(1)} s`,
        ],
      ];
    case 'reload.started':
      return [['info', `Reloading: starting generation ${event.generation}`]];
    case 'reload.done':
      return [
        [
          'info',
          `Reload done: generation ${event.generation} serving with ${event.workers} workers`,
        ],
      ];
    case 'reload.failed':
      return [
        [
          'error',
          `Reload abandoned (generation ${event.generation}); the running workers keep serving: ${event.reason}`,
        ],
      ];
    case 'upgrade.started':
      return [['info', `Upgrade: started a new master with pid: ${event.pid}`]];
    case 'upgrade.refused':
      return [['warn', `Upgrade refused: ${event.reason}`]];
    case 'upgrade.exited':
      return [['warn', upgradeExitLine(event)]];
  }
}

function upgradeExitLine(event: Extract<ArbiterEmitted, { type: 'upgrade.exited' }>): string {
  // The upgrade actor words a refusal as 'refused: why'; it is not a failure of the upgrade.
  if (event.error?.startsWith('refused: ')) return `Upgrade ${event.error}`;
  if (event.error !== undefined) return `Upgrade failed: ${event.error}`;
  const how = event.signal === null ? `code ${event.code}` : `signal ${event.signal}`;
  return `The new master (pid:${event.pid}) exited (${how}); this master keeps serving`;
}

function timeoutMessage(event: Extract<ArbiterEmitted, { type: 'worker.timeout' }>): string {
  const seconds = event.silentMs / 1000;
  const who = `worker ${event.workerId} (pid:${event.pid})`;
  return event.phase === 'boot'
    ? `WORKER BOOT TIMEOUT (pid:${event.pid}): ${who} did not become ready within ${seconds} s; corral is killing it (SIGABRT, then SIGKILL)`
    : `WORKER TIMEOUT (pid:${event.pid}): ${who} sent no heartbeat for ${seconds} s; corral is killing it (SIGABRT, then SIGKILL)`;
}

function promotedLine(event: Extract<ArbiterEmitted, { type: 'worker.promoted' }>): string {
  const who = `Promoted standby worker ${event.workerId} (pid:${event.pid})`;
  return event.inPlaceOf === null
    ? `${who} to make up the worker count`
    : `${who} in place of worker ${event.inPlaceOf}`;
}

function stoppedBecause(retiredFor: RetiredFor | undefined): string {
  if (retiredFor === 'recycle') return 'after being recycled (its replacement is ready)';
  if (retiredFor === 'reload') return 'after a reload replaced its generation';
  return 'after being asked to stop';
}

function stoppingFor(retiredFor: RetiredFor | undefined): string {
  if (retiredFor === 'recycle') return 'it was being recycled';
  if (retiredFor === 'reload') return 'a reload had replaced its generation';
  return 'it had been asked to stop';
}

function exitLine(exit: WorkerExit & { retiredFor?: RetiredFor; standby?: true }): Line {
  const who = `${exit.standby ? 'Standby worker' : 'Worker'} ${exit.workerId} (pid:${exit.pid})`;
  const how = exit.signal === null ? `code ${exit.code}` : `signal ${exit.signal}`;
  switch (exit.cause) {
    case 'stopped':
      return exit.overranGraceMs === undefined
        ? ['info', `${who} exited (${how}) ${stoppedBecause(exit.retiredFor)}`]
        : [
            'warn',
            `${who} did not stop within the graceful timeout (${exit.overranGraceMs / 1000} s) and was killed with SIGKILL (${stoppingFor(exit.retiredFor)})`,
          ];
    case 'timeout':
      return ['error', `${who} was killed by corral after a heartbeat timeout (${how})`];
    case 'boot-timeout':
      return ['error', `${who} was killed by corral after a boot timeout (${how})`];
    case 'boot-failed':
      return ['error', `${who} failed to boot: ${exit.bootFailure?.reason ?? how}`];
    case 'killed':
      return [
        'error',
        `${who} was killed with SIGKILL by something other than corral (perhaps the out-of-memory killer)`,
      ];
    case 'channel-closed':
      return [
        'error',
        `${who} stopped itself (${how}) because the app closed its IPC channel to the master`,
      ];
    case 'crashed':
      return [
        'error',
        exit.signal === null
          ? `${who} exited with code ${exit.code}`
          : `${who} was killed by ${exit.signal}`,
      ];
    case 'spawn-failed':
      return ['error', `Worker ${exit.workerId} could not be started: ${exit.error}`];
  }
}
