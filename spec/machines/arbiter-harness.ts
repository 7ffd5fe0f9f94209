/** Starts the arbiter machine with fake processes and a simulated clock, recording what it emits. */
import { createActor, SimulatedClock } from 'xstate';
import { arbiterMachine, type ArbiterEmitted } from '../../machines/arbiter-machine.ts';
import { workerMachine } from '../../machines/worker-machine.ts';
import { fakeProcesses, type SignalBehaviour } from './fake-processes.ts';

export const timings = {
  timeoutMs: 30_000,
  bootTimeoutMs: 30_000,
  gracefulTimeoutMs: 30_000,
  abortGraceMs: 1_000,
};

export function startArbiter(
  workers: number,
  behaviour?: SignalBehaviour,
  overrides: Partial<typeof timings> = {},
) {
  const fakes = fakeProcesses(behaviour);
  const clock = new SimulatedClock();
  const machine = arbiterMachine.provide({
    actors: { worker: workerMachine.provide({ actors: { workerProcess: fakes.logic } }) },
  });
  const actor = createActor(machine, { clock, input: { workers, ...timings, ...overrides } });
  const emitted: ArbiterEmitted[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.start();
  const readyAll = () => fakes.alive().forEach((f) => fakes.ready(f.workerId));
  return {
    actor,
    clock,
    fakes,
    emitted,
    readyAll,
    value: () => actor.getSnapshot().value,
    context: () => actor.getSnapshot().context,
    liveWorkers: () =>
      Object.values(actor.getSnapshot().context.workers).filter((w) => w.phase !== 'stopping'),
    ofType: <T extends ArbiterEmitted['type']>(type: T) =>
      emitted.filter((e): e is Extract<ArbiterEmitted, { type: T }> => e.type === type),
  };
}
