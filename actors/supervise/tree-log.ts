/**
 * Turns what the supervisors of a tree emit into log lines, in the words of the HTTP herd's
 * (`actors/supervision-log.ts`): who, which pid, what it did, and what corral does about it.
 * A pool's own events go through the herd's lines, each prefixed with the pool's path.
 */
import type { ArbiterEmitted } from '../../machines/arbiter-machine.ts';
import type { SupervisorEmitted } from '../../machines/supervisor/supervisor-machine.ts';
import { logFields } from '../../logging/log-fields.ts';
import { logSupervision, type LogSink } from '../supervision-log.ts';

type Line = [level: keyof LogSink, message: string];

/**
 * @example
 * supervisor.on('*', (event) => logTree(logger, event));
 */
export function logTree(log: LogSink, event: SupervisorEmitted): void {
  const fields = logFields({ event: event.type, path: event.path });
  for (const [level, message] of describeTree(event)) log[level](message, fields);
}

/** The herd's log lines for a pool in the tree, each starting with the pool's path. */
export function logPool(log: LogSink, pool: string, event: ArbiterEmitted): void {
  const prefixed =
    (level: keyof LogSink) =>
    (message: string, ...rest: unknown[]) =>
      log[level](`[${pool}] ${message}`, ...(rest as []));
  const sink: LogSink = {
    debug: prefixed('debug'),
    info: prefixed('info'),
    warn: prefixed('warn'),
    error: prefixed('error'),
    fatal: prefixed('fatal'),
  };
  logSupervision(sink, event);
}

const who = (path: string, pid: number | null) => (pid === null ? path : `${path} (pid:${pid})`);

export function describeTree(event: SupervisorEmitted): Line[] {
  switch (event.type) {
    case 'supervisor.started':
      return [['info', `Supervisor ${event.path} starting ${event.children} children`]];
    case 'supervisor.ready':
      return [['info', `Supervisor ${event.path} ready: ${event.children} children running`]];
    case 'child.started':
      return event.kind === 'process' ? [] : [['info', `Starting ${event.kind} ${event.path}`]];
    case 'child.spawned':
      return [['info', `Started child ${event.path} with pid: ${event.pid}`]];
    case 'child.ready':
      return [['info', `Child ${who(event.path, event.pid)} ready`]];
    case 'child.timeout':
      return [['fatal', timeoutLine(event)]];
    case 'child.exited':
      return [exitLine(event)];
    case 'children.restarting':
      return [
        [
          'warn',
          `Supervisor ${event.path} restarts ${event.children.join(', ')} (${event.strategy})`,
        ],
      ];
    case 'restart.delayed':
      return [
        [
          'warn',
          `Supervisor ${event.path}: children keep crashing (${event.recent} restarts within the period): next restart in ${(event.delayMs / 1000).toFixed(1)} s`,
        ],
      ];
    case 'supervisor.gave-up':
      return [['error', `GAVE UP: ${event.reason}`]];
    case 'supervisor.refused':
      return [['warn', `Supervisor ${event.path} refused: ${event.reason}`]];
    case 'supervisor.stopping':
      return [
        [
          'info',
          `Supervisor ${event.path} stopping its children ${event.mode === 'quick' ? 'quickly' : 'gracefully'}`,
        ],
      ];
    case 'supervisor.halted':
      return event.exitCode === 0
        ? [['info', `Supervisor ${event.path} stopped`]]
        : [
            ['error', `Supervisor ${event.path} stopped (exit ${event.exitCode})`],
            ...event.chain.map((reason, depth): Line => [
              'error',
              `${depth === 0 ? 'Reason' : '  because'}: ${reason}`,
            ]),
          ];
  }
}

function timeoutLine(event: Extract<SupervisorEmitted, { type: 'child.timeout' }>): string {
  const seconds = event.silentMs / 1000;
  return event.phase === 'boot'
    ? `CHILD BOOT TIMEOUT (pid:${event.pid}): ${event.path} did not report ready within ${seconds} s; corral is killing it (SIGKILL)`
    : `CHILD TIMEOUT (pid:${event.pid}): ${event.path} sent no heartbeat for ${seconds} s; corral is killing it (SIGKILL)`;
}

function exitLine(event: Extract<SupervisorEmitted, { type: 'child.exited' }>): Line {
  const what = `Child ${who(event.path, event.pid)} ${event.description}`;
  switch (event.outcome) {
    case 'stopped':
      return ['info', what];
    case 'restart':
      return ['warn', `${what}; restarting it`];
    case 'done':
      return [event.normal ? 'info' : 'warn', `${what}; not restarted (its restart type)`];
    case 'give-up':
      return ['error', `${what}; one restart too many`];
  }
}
