/**
 * Turns what the arbiter emits into log lines, in the spirit of Gunicorn's (so operators find
 * "Booting worker with pid", "WORKER TIMEOUT", "Shutting down: Master"), but saying who killed a
 * worker and why. The machines never log; this observer is the only place that does.
 */
import type { ArbiterEmitted } from '../machines/arbiter-machine.ts';
import type { WorkerExit } from '../machines/worker-types.ts';

/** The part of a logger this module needs; tslog's Logger fits it. */
export interface LogSink {
  debug(message: string): unknown;
  info(message: string): unknown;
  warn(message: string): unknown;
  error(message: string): unknown;
  fatal(message: string): unknown;
}

type Line = [level: keyof LogSink, message: string];

/**
 * @example
 * arbiter.on('*', (event) => logSupervision(logger, event));
 */
export function logSupervision(log: LogSink, event: ArbiterEmitted): void {
  for (const [level, message] of describe(event)) log[level](message);
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
      return [['info', `Booting worker ${event.workerId} with pid: ${event.pid}`]];
    case 'worker.ready':
      return [['info', `Worker ${event.workerId} (pid:${event.pid}) ready`]];
    case 'worker.timeout':
      return [['fatal', timeoutMessage(event)]];
    case 'worker.exited':
      return [exitLine(event)];
  }
}

function timeoutMessage(event: Extract<ArbiterEmitted, { type: 'worker.timeout' }>): string {
  const seconds = event.silentMs / 1000;
  const who = `worker ${event.workerId} (pid:${event.pid})`;
  return event.phase === 'boot'
    ? `WORKER BOOT TIMEOUT (pid:${event.pid}): ${who} did not become ready within ${seconds} s; corral is killing it (SIGABRT, then SIGKILL)`
    : `WORKER TIMEOUT (pid:${event.pid}): ${who} sent no heartbeat for ${seconds} s; corral is killing it (SIGABRT, then SIGKILL)`;
}

function exitLine(exit: WorkerExit): Line {
  const who = `Worker ${exit.workerId} (pid:${exit.pid})`;
  const how = exit.signal === null ? `code ${exit.code}` : `signal ${exit.signal}`;
  switch (exit.cause) {
    case 'stopped':
      return ['info', `${who} exited (${how}) after being asked to stop`];
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
