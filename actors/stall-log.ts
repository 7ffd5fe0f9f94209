/**
 * The log line for a stall report: what a worker was doing when its event loop stopped turning,
 * and where its JavaScript is stuck, so a timeout kill never comes without a clue.
 */
import type { ArbiterEmitted } from '../machines/arbiter-machine.ts';

const MAX_FRAMES = 8;
/** A worker with hundreds of connections would otherwise write a line nobody can read. */
const MAX_REQUESTS = 3;
const MAX_URL = 200;

/**
 * @example
 * describeStall(event); // 'Worker 1 (pid:9) event loop stalled for 1.6 s while serving GET /spin ...'
 */
export function describeStall(event: Extract<ArbiterEmitted, { type: 'worker.stall' }>): string {
  const { report } = event;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const doing = describeRequests(report, seconds);
  const frames = report.stack
    .filter((frame) => !frame.url.startsWith('node:'))
    .slice(0, MAX_FRAMES)
    .map(
      (frame) =>
        `${frame.functionName || '<anonymous>'} (${frame.url}:${frame.line}:${frame.column})`,
    );
  const where =
    frames.length === 0 ? 'the stack could not be taken' : `stuck at: ${frames.join(' <- ')}`;
  return `Worker ${event.workerId} (pid:${event.pid}) event loop stalled for ${seconds(report.stalledMs)} ${doing}; ${where}`;
}

function describeRequests(
  report: Extract<ArbiterEmitted, { type: 'worker.stall' }>['report'],
  seconds: (ms: number) => string,
): string {
  if (report.inFlight.length === 0) {
    return report.phase === 'boot' ? 'while loading the app' : 'with no request in flight';
  }
  const clip = (url: string) => (url.length > MAX_URL ? `${url.slice(0, MAX_URL)}...` : url);
  const shown = report.inFlight
    .slice(0, MAX_REQUESTS)
    .map((r) => `${r.method} ${clip(r.url)} (running ${seconds(r.runningMs)})`);
  const more = report.inFlight.length - shown.length;
  return `while serving ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
