/**
 * What each way of watching or steering the master (the inspector bridge, the status page,
 * Prometheus, statsd, the control socket) is given, and what it gives back once started.
 */
import type { Settings } from '../../settings/settings.ts';
import type { LogSink } from '../supervision-log.ts';
import type { Observation } from './observation.ts';

export interface ObservePartContext {
  observation: Observation;
  settings: Settings;
  log: LogSink;
}

/** A started part: where it can be reached (for the log), and how to take it down. */
export interface RunningPart {
  /** `http://127.0.0.1:9100/metrics`, `unix:/run/corral.ctl`; absent for outgoing streams. */
  address?: string;
  /** Closes its sockets and timers; must not wait on clients and resolves within a second. */
  stop(): Promise<void>;
}
