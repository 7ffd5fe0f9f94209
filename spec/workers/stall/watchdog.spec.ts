// The watchdog on its own, in a process that does nothing else: it reports a stall, and once
// the loop is free again and the script is done, the process exits by itself.
import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isStallReport, type StallReport } from '../../../protocol/stall-report.ts';
import { within } from '../../helpers/wait.ts';

const script = fileURLToPath(new URL('../../fixtures/workers/watchdog-alone.ts', import.meta.url));

/** Runs the fixture until it exits by itself; returns its exit code and the reports it wrote. */
async function runAlone(
  t: ExecutionContext,
  how: 'js' | 'native',
): Promise<{ code: number | null; reports: StallReport[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'corral-watchdog-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const reportPath = join(dir, 'report.jsonl');
  const child = spawn(process.execPath, ['--import', 'tsx', script, reportPath, how], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  t.teardown(() => void child.kill('SIGKILL'));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const code = await within(exited, 'the process to exit on its own');
  const lines = readFileSync(reportPath, 'utf8').trim().split('\n');
  const reports = lines.map((line): unknown => JSON.parse(line)).filter(isStallReport);
  return { code, reports };
}

test('reports a stall in JavaScript once, then never keeps the process alive', async (t) => {
  t.timeout(30_000);
  const { code, reports } = await runAlone(t, 'js');
  t.is(code, 0);
  t.is(reports.length, 1, 'one report for one stall');
  t.is(reports[0]?.phase, 'serving');
  // Paused inside statSync: Node's own frames come first, then the stuck function.
  const names = reports[0]?.stack.map((frame) => frame.functionName) ?? [];
  t.true(names.includes('waitForTheReport'), JSON.stringify(reports[0]));
  t.deepEqual(reports[0]?.inFlight, []);
});

test('a loop stuck outside JavaScript is still reported, without a stack', async (t) => {
  t.timeout(30_000);
  const { code, reports } = await runAlone(t, 'native');
  t.is(code, 0, 'the pause that never landed does not hold the process afterwards');
  t.is(reports.length, 1);
  t.deepEqual(reports[0]?.stack, []);
});
