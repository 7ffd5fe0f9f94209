/**
 * The OS signals the master answers, as one RxJS stream of arbiter events.
 * Subscribing installs the handlers (which also suppresses Node's default action, such as
 * exiting on TERM or stopping on TTIN); unsubscribing removes them again.
 */
import { fromEvent, map, merge, type Observable } from 'rxjs';
import type { SignalEvent, SignalName } from '../machines/arbiter-machine.ts';

/** Signal names as the kernel knows them, paired with the arbiter's event names. */
export const MASTER_SIGNALS: ReadonlyArray<readonly [NodeJS.Signals, SignalName]> = [
  ['SIGHUP', 'hup'],
  ['SIGTTIN', 'ttin'],
  ['SIGTTOU', 'ttou'],
  ['SIGTERM', 'term'],
  ['SIGINT', 'int'],
  ['SIGQUIT', 'quit'],
  // USR1 reopens the logs (actors/log-reopen.ts); listening also keeps Node from starting its
  // debugger, which is its default action for USR1.
  ['SIGUSR1', 'usr1'],
  ['SIGUSR2', 'usr2'],
  ['SIGWINCH', 'winch'],
];

/**
 * @example
 * const subscription = osSignals$().subscribe((event) => arbiter.send(event));
 */
export function osSignals$(target: NodeJS.EventEmitter = process): Observable<SignalEvent> {
  return merge(
    ...MASTER_SIGNALS.map(([os, name]) =>
      fromEvent(target, os).pipe(map((): SignalEvent => ({ type: `signal.${name}` }))),
    ),
  );
}
