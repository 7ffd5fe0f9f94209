/**
 * `corral ctl status` as text: one line for the master, then one row per worker.
 *
 * @example
 * process.stdout.write(renderStatusTable(view, Date.now()));
 */
import type { ObservedView, WorkerView } from '../observation.ts';

const COLUMNS = [
  'WORKER',
  'PID',
  'STATE',
  'PHASE',
  'GEN',
  'REQUESTS',
  'IN-FLIGHT',
  'BEAT',
  'RESTARTS',
];

export function renderStatusTable(view: ObservedView, now: number): string {
  const { master } = view;
  const flags = [master.paused ? 'paused' : '', master.upgrading ? 'upgrading' : ''].filter(
    Boolean,
  );
  const head =
    `master ${master.pid}  ${master.state}  target ${master.target}  ` +
    (master.standby > 0 ? `standby ${master.standby}  ` : '') +
    `generation ${master.generation}  up ${ago(now - master.startedAt)}` +
    (flags.length > 0 ? `  (${flags.join(', ')})` : '');
  const rows = view.workers.map((worker) => row(worker, now));
  const summary = `${view.workers.length} worker${view.workers.length === 1 ? '' : 's'}`;
  return `${head}\n${table([COLUMNS, ...rows])}${summary}\n`;
}

function row(worker: WorkerView, now: number): string[] {
  const role = worker.outgoing ?? (worker.standby ? 'standby' : null);
  const state = role === null ? worker.state : `${worker.state} (${role})`;
  return [
    String(worker.workerId),
    worker.pid === null ? '-' : String(worker.pid),
    state,
    worker.phase,
    String(worker.generation),
    worker.stats === null ? '-' : String(worker.stats.requests),
    worker.stats === null ? '-' : String(worker.stats.inFlight),
    worker.lastHeartbeatAt === null ? '-' : `${ago(now - worker.lastHeartbeatAt)} ago`,
    String(worker.restarts),
  ];
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((cells) => cells[i]!.length)));
  return rows
    .map(
      (cells) =>
        `${cells
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}

/** A duration the way a person reads it at a glance: 850ms, 12s, 5m, 3h, 2d. */
function ago(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}
