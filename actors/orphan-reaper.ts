/**
 * PID 1's other duty. In a container started without an init (`docker run` without `--init`),
 * corral is PID 1, and every process orphaned in the container is re-parented to it: a process
 * an app started whose worker then died, a daemon that double-forked. Unless PID 1 waits for
 * them, they stay zombies for as long as the container runs.
 *
 * Node cannot `waitpid(-1)`: that would also reap libuv's own children (the workers, a new
 * master after USR2), whose exits libuv must see. So corral reaps exact pids, with the native
 * addon: on SIGCHLD it reads /proc for zombie children that it did not start, and reaps those
 * still zombies a second later. libuv reaps its own children as soon as the SIGCHLD reaches its
 * loop, so a zombie that outlives a turn of the loop was never libuv's; the pids corral knows it
 * started are skipped as well. Not PID 1, it does nothing: the init above reaps orphans.
 */
import { loadNativeAddon, type AddonLoad } from './native-addon.ts';
import { zombieChildren } from './proc-zombies.ts';
import type { LogSink } from './supervision-log.ts';

export interface OrphanReaperOptions {
  log: Pick<LogSink, 'debug' | 'info' | 'warn'>;
  /** The pids of the children this process started itself; never touched. */
  own: () => Iterable<number | undefined>;
  pid?: number;
  /** How long a zombie must stay one before it is taken for an orphan. */
  settleMs?: number;
  load?: () => AddonLoad;
}

/**
 * Starts reaping if this process is PID 1; returns the function that stops it.
 *
 * @example
 * const stop = reapOrphans({ log, own: () => [...children].map((child) => child.pid) });
 */
export function reapOrphans(options: OrphanReaperOptions): () => void {
  const pid = options.pid ?? process.pid;
  if (pid !== 1) return () => undefined;
  const { log } = options;
  const load = (options.load ?? loadNativeAddon)();
  if (load.addon === null) {
    const { reason } = load;
    log.warn(
      `Running as PID 1 without corral's native addon: orphaned processes will stay zombies (run the container with an init, such as docker run --init): ${reason}`,
    );
    return () => undefined;
  }
  const { addon } = load;
  log.info('Running as PID 1: corral reaps orphaned processes');
  let candidates = new Set<number>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let scanning = false;
  let stopped = false;
  const schedule = (delayMs: number) => {
    if (stopped || timer !== undefined) return;
    timer = setTimeout(() => void scan(), delayMs);
    timer.unref();
  };
  async function scan(): Promise<void> {
    timer = undefined;
    if (scanning) return schedule(options.settleMs ?? 1000);
    scanning = true;
    const own = new Set(options.own());
    const zombies = (await zombieChildren(pid).catch(() => [])).filter((z) => !own.has(z));
    scanning = false;
    const next = new Set<number>();
    for (const zombie of zombies) {
      if (!candidates.has(zombie)) next.add(zombie);
      else if (addon.reap(zombie) === zombie) log.debug(`Reaped orphaned process ${zombie}`);
    }
    candidates = next;
    if (candidates.size > 0) schedule(options.settleMs ?? 1000);
  }
  const onChild = () => schedule(0);
  process.on('SIGCHLD', onChild);
  schedule(0);
  return () => {
    stopped = true;
    clearTimeout(timer);
    process.off('SIGCHLD', onChild);
  };
}
