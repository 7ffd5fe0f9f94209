/**
 * Whether a process exists: signal 0 checks without sending anything. EPERM means it exists
 * but belongs to someone else, which still counts as alive (a PID file naming it is not stale).
 *
 * @example
 * isAlive(Number(readFileSync(pidfile, 'utf8'))); // true while that master runs
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
