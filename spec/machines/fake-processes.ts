/**
 * Fake worker processes for machine specs: no fork, no real time. Each fake records the signals
 * the machine sends it and answers them the way a cooperative worker would, unless a spec says
 * otherwise; the spec drives IPC messages and exits by hand.
 */
import { fromCallback } from 'xstate';
import type {
  WorkerProcessCommand,
  WorkerProcessEvent,
  WorkerProcessInput,
  WorkerSignal,
} from '../../machines/worker-machine.ts';
import type { WorkerStats } from '../../protocol/worker-stats.ts';

export interface FakeProcess {
  workerId: number;
  pid: number;
  signals: WorkerSignal[];
  /** Started as a standby, and whether the machine has promoted it since. */
  standby: boolean;
  promoted: boolean;
  alive: boolean;
  send(event: WorkerProcessEvent): void;
}

/** What a fake does when signalled: exit (with a code or a signal) or ignore it. */
export type SignalBehaviour = (
  signal: WorkerSignal,
  fake: FakeProcess,
) => { code: number | null; signal: string | null } | 'ignore';

/** A worker that stops when asked and dies to SIGKILL, but hangs on SIGABRT. */
export const cooperative: SignalBehaviour = (signal) => {
  if (signal === 'SIGTERM' || signal === 'SIGQUIT') return { code: 0, signal: null };
  if (signal === 'SIGKILL') return { code: null, signal: 'SIGKILL' };
  return 'ignore';
};

/** A worker that ignores everything but SIGKILL. */
export const stubborn: SignalBehaviour = (signal) =>
  signal === 'SIGKILL' ? { code: null, signal: 'SIGKILL' } : 'ignore';

export function fakeProcesses(behaviour: SignalBehaviour = cooperative) {
  const byId = new Map<number, FakeProcess>();
  const byChild = new Map<string, FakeProcess>();
  const state = { behaviour };
  const logic = fromCallback<WorkerProcessCommand, WorkerProcessInput>(
    ({ input, sendBack, receive }) => {
      const child = input.child;
      const fake: FakeProcess = {
        workerId: input.workerId,
        // A supervision tree's children number their incarnations per supervisor: pids by order.
        pid: child === undefined ? 1000 + input.workerId : 5000 + byChild.size,
        signals: [],
        standby: input.standby === true,
        promoted: false,
        alive: true,
        send: (event) => {
          if (event.type === 'process.exited') fake.alive = false;
          sendBack(event);
        },
      };
      if (child === undefined) byId.set(input.workerId, fake);
      else byChild.set(`${child}#${input.workerId}`, fake);
      receive((command) => {
        if (command.type === 'process.promote') {
          fake.promoted = true;
          return;
        }
        fake.signals.push(command.signal);
        const outcome = state.behaviour(command.signal, fake);
        if (outcome !== 'ignore' && fake.alive) fake.send({ type: 'process.exited', ...outcome });
      });
      fake.send({ type: 'process.spawned', pid: fake.pid });
      return () => undefined;
    },
  );

  const get = (workerId: number): FakeProcess => {
    const fake = byId.get(workerId);
    if (fake === undefined) throw new Error(`no fake process for worker ${workerId}`);
    return fake;
  };

  return {
    logic,
    get,
    /** The fake of one incarnation of a supervision tree's child (its path and instance). */
    ofChild(path: string, instance: number): FakeProcess {
      const fake = byChild.get(`${path}#${instance}`);
      if (fake === undefined) throw new Error(`no fake process for ${path} #${instance}`);
      return fake;
    },
    children: () => [...byChild.values()],
    all: () => [...byId.values()],
    alive: () => [...byId.values()].filter((f) => f.alive),
    setBehaviour: (next: SignalBehaviour) => {
      state.behaviour = next;
    },
    /** Boots it: a standby then reports held, any other (or a promoted standby) ready. */
    ready(workerId: number) {
      const fake = get(workerId);
      if (!fake.promoted) fake.send({ type: 'ipc.booted' });
      fake.send(fake.standby && !fake.promoted ? { type: 'ipc.standby' } : { type: 'ipc.ready' });
    },
    heartbeat(workerId: number, stats?: WorkerStats) {
      get(workerId).send(
        stats === undefined ? { type: 'ipc.heartbeat' } : { type: 'ipc.heartbeat', stats },
      );
    },
    exit(workerId: number, code: number | null, signal: string | null = null) {
      get(workerId).send({ type: 'process.exited', code, signal });
    },
  };
}
