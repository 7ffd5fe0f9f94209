/**
 * The `STATUS=` line corral shows in `systemctl status`: what the master is doing and how many
 * workers serve, sent when it changes but at most once per interval, so a burst of TTIN or a
 * crash loop does not flood systemd. READY, RELOADING and STOPPING carry the latest text
 * themselves (see systemd-notify.ts).
 */
import { performance } from 'node:perf_hooks';
import type { SnapshotFrom } from 'xstate';
import type { ArbiterMachine } from '../../machines/arbiter-machine.ts';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * @example
 * statusText(actor.getSnapshot()); // '3 workers serving (generation 2)'
 */
export function statusText(snapshot: SnapshotFrom<ArbiterMachine>): string {
  const { workers, generation, target, paused } = snapshot.context;
  const entries = Object.values(workers);
  const ready = entries.filter((worker) => worker.phase === 'ready').length;
  const serving = `${plural(ready, 'worker')} serving (generation ${generation})`;
  if (snapshot.status !== 'active' || snapshot.matches('stopping')) {
    return `Stopping: ${plural(entries.length, 'worker')} left`;
  }
  if (snapshot.matches({ serving: 'booting' })) {
    return `Booting: ${ready} of ${target} workers ready`;
  }
  if (snapshot.matches({ serving: { reloading: 'rolling' } })) {
    const fresh = entries.filter((w) => w.phase === 'ready' && w.generation === generation).length;
    return `Reloading: ${plural(ready, 'worker')} serving, ${fresh} of ${target} of generation ${generation} ready`;
  }
  if (snapshot.matches({ serving: 'reloading' })) return `Reloading: ${serving}`;
  return paused ? `${serving}; paused by WINCH until HUP` : serving;
}

export interface StatusThrottle {
  /** Sends `text` if it differs from the last one sent: now, or once the interval has passed. */
  update(text: string): void;
  /** Records a text sent along with another message, which restarts the interval. */
  sent(text: string): void;
  stop(): void;
}

/**
 * @example
 * const status = statusThrottle((text) => socket.send(`STATUS=${text}`), 1000);
 * actor.subscribe((snapshot) => status.update(statusText(snapshot)));
 */
export function statusThrottle(send: (text: string) => void, intervalMs: number): StatusThrottle {
  let last: string | null = null;
  let lastAt = -Infinity;
  let latest: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const record = (text: string) => {
    clearTimeout(timer);
    timer = undefined;
    last = text;
    lastAt = performance.now();
  };
  const flush = () => {
    timer = undefined;
    if (latest === null || latest === last) return;
    record(latest);
    send(latest);
  };
  return {
    update(text) {
      latest = text;
      if (timer !== undefined) return;
      const wait = lastAt + intervalMs - performance.now();
      if (wait <= 0) return flush();
      timer = setTimeout(flush, wait);
      timer.unref();
    },
    sent(text) {
      latest = text;
      record(text);
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
