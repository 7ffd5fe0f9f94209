/** Starts the arbiter machine with fake processes and a simulated clock, recording what it emits. */
import {
  createActor,
  fromCallback,
  fromPromise,
  SimulatedClock,
  type ActorRefFrom,
  type InspectionEvent,
} from 'xstate';
import {
  arbiterMachine,
  type ArbiterEmitted,
  type GenerationSettings,
  type UpgradeEvent,
} from '../../machines/arbiter-machine.ts';
import { workerMachine } from '../../machines/worker-machine.ts';
import { fakeProcesses, type SignalBehaviour } from './fake-processes.ts';

export const timings = {
  timeoutMs: 30_000,
  bootTimeoutMs: 30_000,
  gracefulTimeoutMs: 30_000,
  abortGraceMs: 1_000,
};

export const policy = { intensity: 5, periodMs: 10_000, backoffMaxMs: 30_000 };

export interface HarnessOptions {
  behaviour?: SignalBehaviour;
  /** Standby workers to keep beside the serving ones (`--standby`). */
  standby?: number;
  timings?: Partial<typeof timings>;
  policy?: Partial<typeof policy>;
  /** What a HUP re-reads: new settings, or an error. Defaults to the same settings again. */
  reload?: (generation: number) => GenerationSettings | Error;
  /** An inspection observer for the whole actor system, as createActor takes it. */
  inspect?: (event: InspectionEvent) => void;
  /** Called with the actor before it starts (observers that must see its first events). */
  beforeStart?: (actor: ActorRefFrom<typeof arbiterMachine>) => void;
  /** The master's pause check (actors/pause-detector.ts); never paused by default. */
  masterWasPaused?: () => boolean;
}

export function startArbiter(workers: number, options: HarnessOptions = {}) {
  const fakes = fakeProcesses(options.behaviour);
  const clock = new SimulatedClock();
  const input = {
    workers,
    timings: { ...timings, ...options.timings },
    policy: { ...policy, ...options.policy },
    ...(options.standby !== undefined && { standby: options.standby }),
  };
  const upgrades: Array<(event: UpgradeEvent) => void> = [];
  const machine = arbiterMachine.provide({
    actors: {
      worker: workerMachine.provide({
        actors: { workerProcess: fakes.logic },
        guards: { masterWasPaused: () => options.masterWasPaused?.() ?? false },
      }),
      reloadSettings: fromPromise<GenerationSettings, { generation: number }>(
        async ({ input: { generation } }) => {
          const result = options.reload?.(generation) ?? input;
          if (result instanceof Error) throw result;
          return result;
        },
      ),
      upgrade: fromCallback<{ type: 'noop' }>(({ sendBack }) => {
        upgrades.push((event) => sendBack(event));
      }),
    },
  });
  const actor = createActor(machine, { clock, input, inspect: options.inspect });
  const emitted: ArbiterEmitted[] = [];
  actor.on('*', (event) => emitted.push(event));
  options.beforeStart?.(actor);
  actor.start();
  const readyAll = () => fakes.alive().forEach((f) => fakes.ready(f.workerId));
  return {
    actor,
    clock,
    fakes,
    emitted,
    upgrades,
    readyAll,
    value: () => actor.getSnapshot().value,
    context: () => actor.getSnapshot().context,
    liveWorkers: () =>
      Object.values(actor.getSnapshot().context.workers).filter((w) => w.phase !== 'stopping'),
    ofType: <T extends ArbiterEmitted['type']>(type: T) =>
      emitted.filter((e): e is Extract<ArbiterEmitted, { type: T }> => e.type === type),
  };
}

/** Lets queued promise callbacks (the fake settings re-read) run. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));
