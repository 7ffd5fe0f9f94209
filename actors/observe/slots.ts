/**
 * Worker ids are never reused (`worker-7` replaces `worker-3`), so a table of workers alone
 * cannot say how often "a worker" restarted. Slots give the table PM2's sense of it: each worker
 * occupies a slot; a worker spawned while a slot is free takes it over, with the count of those
 * who held it before and how the last one ended. A worker spawned to replace one that is still
 * retiring (recycling, a reload) takes over that one's slot in the same way.
 */
export interface Slot {
  slot: number;
  /** Workers that held this slot before the current one. */
  restarts: number;
  /** How the previous holder ended, in the log's words; null for the first. */
  lastExit: string | null;
}

interface Holder {
  slot: number;
  restarts: number;
  lastExit: string | null;
  /** A successor already spawned for this holder takes the slot when it exits. */
  successor: number | null;
}

/**
 * @example
 * const slots = createSlots();
 * slots.spawned(1); // { slot: 1, restarts: 0, lastExit: null }
 * slots.exited(1, 'killed by SIGKILL'); slots.spawned(2); // { slot: 1, restarts: 1, lastExit: 'killed by SIGKILL' }
 */
export function createSlots() {
  const holders = new Map<number, Holder>();
  const vacant: Holder[] = [];
  let nextSlot = 1;
  const retiring = new Set<number>();

  function take(workerId: number): Holder {
    vacant.sort((a, b) => a.slot - b.slot);
    const free = vacant.shift();
    if (free !== undefined) return { ...free, restarts: free.restarts + 1, successor: null };
    for (const id of retiring) {
      const old = holders.get(id);
      if (old !== undefined && old.successor === null) {
        old.successor = workerId;
        return {
          slot: old.slot,
          restarts: old.restarts + 1,
          lastExit: old.lastExit,
          successor: null,
        };
      }
    }
    return { slot: nextSlot++, restarts: 0, lastExit: null, successor: null };
  }

  return {
    spawned(workerId: number): Slot {
      const holder = take(workerId);
      holders.set(workerId, holder);
      return { slot: holder.slot, restarts: holder.restarts, lastExit: holder.lastExit };
    },
    /** The worker will be replaced before it stops: its successor inherits its slot. */
    retiring(workerId: number): void {
      retiring.add(workerId);
    },
    /** Returns the successor whose slot record changed, if one was waiting for this exit. */
    exited(workerId: number, how: string): { successor: number; slot: Slot } | null {
      const holder = holders.get(workerId);
      holders.delete(workerId);
      retiring.delete(workerId);
      if (holder === undefined) return null;
      const successorId = holder.successor;
      const successor = successorId === null ? undefined : holders.get(successorId);
      if (successorId === null || successor === undefined) {
        vacant.push({ ...holder, lastExit: how, successor: null });
        return null;
      }
      successor.lastExit = how;
      return {
        successor: successorId,
        slot: { slot: successor.slot, restarts: successor.restarts, lastExit: how },
      };
    },
    /** Slots left empty (TTOU) are not refilled forever: only by the next spawn. */
    vacantCount: () => vacant.length,
  };
}

export type Slots = ReturnType<typeof createSlots>;
