/**
 * The observability subsystem as the composition root sees it: one `inspect` observer for the
 * actor system, and the parts the settings turn on, started once the arbiter exists and stopped
 * when it halts. With every part off nothing is created: no observer, no counting in workers.
 *
 * @example
 * const observability = createObservability(settings, { log, inspect: options.inspect });
 * const actor = createActor(machine, { inspect: observability.inspect });
 * await observability.start(actor);
 */
import type { ActorRefFrom, InspectionEvent, Observer } from 'xstate';
import type { ArbiterMachine } from '../../machines/arbiter-machine.ts';
import type { Settings } from '../../settings/settings.ts';
import type { LogSink } from '../supervision-log.ts';
import { createObservation, type Observation } from './observation.ts';
import type { ObservePartContext, RunningPart } from './observe-part.ts';

/** What XState's `inspect` option takes. */
export type InspectObserver = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

type PartStarter = (context: ObservePartContext) => Promise<RunningPart>;

/**
 * Each part with the setting that turns it on. A part's module (and what it needs: prom-client,
 * ws, the inspector package, Graphviz) is imported only when it is on: a master watched by
 * nothing does not carry them (about 40 MB of its resident memory).
 */
const parts: Array<{ on: (settings: Settings) => boolean; start: PartStarter }> = [
  {
    on: (s) => s.inspector !== undefined,
    start: async (c) => (await import('./inspector/inspector-bridge.ts')).startInspectorBridge(c),
  },
  {
    on: (s) => s.statusBind !== undefined,
    start: async (c) => (await import('./status/status-page.ts')).startStatusPage(c),
  },
  {
    on: (s) => s.metricsBind !== undefined,
    start: async (c) => (await import('./metrics/prometheus.ts')).startPrometheus(c),
  },
  {
    on: (s) => s.statsdHost !== undefined,
    start: async (c) => (await import('./metrics/statsd.ts')).startStatsd(c),
  },
  {
    on: (s) => s.controlSocket !== undefined,
    start: async (c) => (await import('./control/control-socket.ts')).startControlSocket(c),
  },
];

export interface ObservabilityOptions {
  log: LogSink;
  /** An embedding program's own observer, given the same stream. */
  inspect?: InspectObserver;
}

export interface Observability {
  /** For `createActor(..., { inspect })`; undefined when nothing observes. */
  inspect: ((event: InspectionEvent) => void) | undefined;
  /** The live model, when a part needs one. */
  observation: Observation | undefined;
  /** Starts every part that is on; rejects (with what was started stopped) if one cannot start. */
  start(actor: ActorRefFrom<ArbiterMachine>): Promise<void>;
  stop(): Promise<void>;
}

export function createObservability(
  settings: Settings,
  options: ObservabilityOptions,
): Observability {
  const wanted = parts.filter((part) => part.on(settings));
  const observation = wanted.length > 0 ? createObservation() : undefined;
  const observers = [toFunction(options.inspect), observation?.inspect].filter(
    (observer) => observer !== undefined,
  );
  const running: RunningPart[] = [];
  const detach: Array<() => void> = [];
  const stop = async () => {
    for (const undo of detach.splice(0)) undo();
    await Promise.all(running.splice(0).map((part) => part.stop().catch(() => undefined)));
  };
  return {
    observation,
    inspect: observers.length === 0 ? undefined : fanOut(observers, options.log),
    async start(actor) {
      if (observation === undefined) return;
      detach.push(observation.attach(actor));
      try {
        for (const part of wanted) {
          running.push(await part.start({ observation, settings, log: options.log }));
        }
      } catch (error) {
        await stop();
        throw error;
      }
    },
    stop,
  };
}

/** An observer as a plain function (XState takes either). */
export function toFunction(observer: InspectObserver | undefined) {
  if (observer === undefined) return undefined;
  if (typeof observer === 'function') return observer;
  return (event: InspectionEvent) => observer.next?.(event);
}

/** An observer that throws must not break the actor system or the other observers. */
export function fanOut(observers: Array<(event: InspectionEvent) => void>, log: LogSink) {
  let warned = false;
  return (event: InspectionEvent) => {
    for (const observer of observers) {
      try {
        observer(event);
      } catch (error) {
        if (!warned) log.warn(`An inspection observer threw (reported once): ${String(error)}`);
        warned = true;
      }
    }
  };
}
