/** The report's header: what ran where, and how loaded the machine was meanwhile. */
import type { MachineInfo } from '../lib/machine.ts';
import { max, median, min } from '../lib/stats.ts';

export function renderMachine(info: MachineInfo, settings: string): string {
  const minutes = (Date.parse(info.finishedAt) - Date.parse(info.startedAt)) / 60_000;
  const during = info.load.during;
  const out = [
    `## Run ${info.startedAt} (${minutes.toFixed(1)} min)`,
    '',
    `- **Machine:** ${info.nproc} CPUs (${info.cpuModel}), Linux ${info.kernel}, Node ${info.node}.`,
    `- **Client:** ${info.client}. ${settings}`,
    `- **Peers:** ${Object.entries(info.peers)
      .map(([name, version]) => `${name}: ${version}`)
      .join('; ')}.`,
    `- **Code:** corral at commit ${info.code.commit} with ${info.code.uncommitted} uncommitted ` +
      `file(s) outside bench/ and docs/, source hash ${info.code.sourceHash}.`,
    `- **Load average** (1, 5, 15 min): before ${fmt(info.load.before)}, after ` +
      `${fmt(info.load.after)}; during (1 min, every 5 s) ` +
      (during.length === 0
        ? 'not sampled'
        : `median ${median(during).toFixed(2)}, min ${min(during).toFixed(2)}, max ${max(during).toFixed(2)}`) +
      '; at each phase: ' +
      info.load.phases.map((p) => `${p.phase} ${fmt(p.loadavg)}`).join(', ') +
      '.',
  ];
  for (const skipped of info.skipped) out.push(`- **Skipped:** ${skipped}.`);
  out.push('');
  return out.join('\n');
}

function fmt(values: readonly number[]): string {
  return values.map((v) => v.toFixed(2)).join(' ');
}
