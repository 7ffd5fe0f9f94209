/**
 * What a worker's watchdog thread tells the master when the worker's main event loop has not
 * turned for a while: where the JavaScript is stuck and which requests are in flight. One JSON
 * object per line on the report pipe (see `WorkerBootConfig.reportFd`).
 *
 * @example
 * fs.writeSync(config.reportFd, JSON.stringify(report) + '\n');
 */

export interface StallFrame {
  functionName: string;
  /** File path or URL of the script. */
  url: string;
  /** 1-based, as people read them. */
  line: number;
  column: number;
}

export interface InFlightRequest {
  method: string;
  url: string;
  runningMs: number;
}

export interface StallReport {
  act: 'stall';
  /** How long the main loop had not turned when the stack was taken. */
  stalledMs: number;
  /** Whether the worker was still loading the app or already serving. */
  phase: 'boot' | 'serving';
  /** Innermost frame first; empty if the stack could not be taken. */
  stack: StallFrame[];
  inFlight: InFlightRequest[];
}

export function isStallReport(value: unknown): value is StallReport {
  return (
    typeof value === 'object' && value !== null && (value as { act?: unknown }).act === 'stall'
  );
}
