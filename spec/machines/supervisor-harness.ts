/**
 * Starts the supervisor machine with fake processes and a simulated clock. Children are named by
 * path (`root/a`, `root/jobs/b`); the harness finds the fake process of a child's current
 * incarnation through the actor system, the way the inspector finds the actors.
 */
import { createActor, fromCallback, SimulatedClock, type AnyActorRef } from 'xstate';
import { arbiterMachine } from '../../machines/arbiter-machine.ts';
import {
  supervisorMachine,
  type ChildPlan,
  type RestartType,
  type SupervisorEmitted,
  type SupervisorInput,
} from '../../machines/supervisor/supervisor-machine.ts';
import { workerMachine } from '../../machines/worker-machine.ts';
import { fakeProcesses, type SignalBehaviour } from './fake-processes.ts';
import { timings as workerTimings } from './arbiter-harness.ts';

export const processTimings = { ...workerTimings, timeoutMs: 0, abortSignal: 'SIGKILL' as const };

/** A process child that reports ready over IPC unless `extra` says otherwise. */
export function processChild(
  id: string,
  restart: RestartType = 'permanent',
  extra: Partial<Extract<ChildPlan, { kind: 'process' }>['input']> = {},
): ChildPlan {
  return { id, restart, kind: 'process', input: { ...processTimings, ...extra } };
}

export function supervisorChild(
  id: string,
  parentPath: string,
  input: Omit<SupervisorInput, 'path'>,
  restart: RestartType = 'permanent',
): ChildPlan {
  return { id, restart, kind: 'supervisor', input: { ...input, path: `${parentPath}/${id}` } };
}

export const otpPolicy = { intensity: 1, periodMs: 5_000, backoffMaxMs: 0 };

export function startSupervisor(
  input: Partial<SupervisorInput> & Pick<SupervisorInput, 'children'>,
  behaviour?: SignalBehaviour,
) {
  const fakes = fakeProcesses(behaviour);
  const clock = new SimulatedClock();
  const worker = workerMachine.provide({ actors: { workerProcess: fakes.logic } });
  const machine = supervisorMachine.provide({
    actors: {
      worker,
      pool: arbiterMachine.provide({ actors: { worker } }),
      signals: fromCallback(() => undefined),
    },
  });
  const full: SupervisorInput = {
    path: 'root',
    strategy: 'one_for_one',
    policy: otpPolicy,
    ...input,
  };
  const emitted: SupervisorEmitted[] = [];
  // Every supervisor in the tree emits its own events: follow each one as it appears (children
  // of the first state are created with the root, so the observer goes in with createActor).
  const follow = (ref: AnyActorRef) =>
    ref.on('*', (event: SupervisorEmitted) => emitted.push(event));
  const actor = createActor(machine, {
    clock,
    input: full,
    systemId: 'root',
    inspect: (event) => {
      if (event.type !== '@xstate.actor') return;
      const logic = (event.actorRef as unknown as { logic: unknown }).logic;
      if (logic === machine) follow(event.actorRef as AnyActorRef);
    },
  });
  actor.start();
  actor.send({ type: 'supervisor.start' });

  const ref = (path: string) => {
    const found = actor.system.get(path) as AnyActorRef | undefined;
    if (found === undefined) throw new Error(`no actor ${path}`);
    return found;
  };
  const fakeOf = (path: string) =>
    fakes.ofChild(
      path,
      (ref(path).getSnapshot() as { context: { workerId: number } }).context.workerId,
    );
  const running = (path: string) => actor.system.get(path) !== undefined && fakeOf(path).alive;
  return {
    actor,
    clock,
    fakes,
    emitted,
    ref,
    fakeOf,
    running,
    ready: (path: string) => fakeOf(path).send({ type: 'ipc.ready' }),
    heartbeat: (path: string) => fakeOf(path).send({ type: 'ipc.heartbeat' }),
    exit: (path: string, code: number | null = 1, signal: string | null = null) =>
      fakeOf(path).send({ type: 'process.exited', code, signal }),
    pidOf: (path: string) => fakeOf(path).pid,
    ofType: <T extends SupervisorEmitted['type']>(type: T) =>
      emitted.filter((e): e is Extract<SupervisorEmitted, { type: T }> => e.type === type),
    /** The paths of children started, in the order they were started. */
    started: () => emitted.flatMap((e) => (e.type === 'child.started' ? [e.path] : [])),
    stoppedOrder: () =>
      emitted.flatMap((e) =>
        e.type === 'child.exited' && e.outcome === 'stopped' ? [e.path] : [],
      ),
    output: () => actor.getSnapshot().output,
  };
}
