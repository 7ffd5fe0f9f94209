/**
 * The log line for a stall report: what a worker was doing when its event loop stopped turning,
 * and where its JavaScript is stuck, so a timeout kill never comes without a clue.
 */
import type { ArbiterEmitted } from '../machines/arbiter-machine.ts';

const MAX_FRAMES = 8;

/**
 * @example
 * describeStall(event); // 'Worker 1 (pid:9) event loop stalled for 1.6 s while serving GET /spin ...'
 */
export function describeStall(event: Extract<ArbiterEmitted, { type: 'worker.stall' }>): string {
  const { report } = event;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const doing =
    report.inFlight.length === 0
      ? report.phase === 'boot'
        ? 'while loading the app'
        : 'with no request in flight'
      : `while serving ${report.inFlight.map((r) => `${r.method} ${r.url} (running ${seconds(r.runningMs)})`).join(', ')}`;
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
