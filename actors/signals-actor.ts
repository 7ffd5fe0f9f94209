/**
 * The arbiter's `signals` actor: it only translates, sending each OS signal to the arbiter as
 * an event. No logging and no decisions here (Gunicorn: "signal handlers only enqueue").
 */
import { fromCallback } from 'xstate';
import type { Observable } from 'rxjs';
import type { SignalEvent } from '../machines/arbiter-machine.ts';

/**
 * @example
 * arbiterMachine.provide({ actors: { signals: signalsLogic(osSignals$()) } });
 */
export function signalsLogic(signals$: Observable<SignalEvent>) {
  return fromCallback<{ type: 'noop' }>(({ sendBack }) => {
    const subscription = signals$.subscribe((event) => sendBack(event));
    return () => subscription.unsubscribe();
  });
}
