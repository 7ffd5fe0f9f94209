import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { formatLogLine } from '../../logging/format-log-line.ts';

const fixture = fileURLToPath(new URL('fixtures/emit-log-lines.ts', import.meta.url));

interface Emitted {
  pid: number;
  stdout: string;
  /** stderr split into lines, without the empty one after the last newline. */
  lines: string[];
}

const runs = new Map<string, Promise<Emitted>>();

/** Runs the fixture once per distinct arguments; tests that read the same output share it. */
function emit(args: string[], tz = 'UTC'): Promise<Emitted> {
  const key = JSON.stringify([args, tz]);
  const run = runs.get(key) ?? spawnFixture(args, tz);
  runs.set(key, run);
  return run;
}

async function spawnFixture(args: string[], tz: string): Promise<Emitted> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], {
    env: { ...process.env, TZ: tz },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`fixture exited with ${code}: ${stderr}`);
  return { pid: child.pid!, stdout, lines: stderr.split('\n').slice(0, -1) };
}

/** The header lines, leaving out an Error's stack. */
const headers = (lines: string[]): string[] => lines.filter((line) => line.startsWith('['));

const stamp = String.raw`\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0000\]`;

test('info: one Gunicorn-shaped line per event on stderr, nothing on stdout', async (t) => {
  const { pid, stdout, lines } = await emit(['info']);
  t.is(stdout, '');
  const expected = [
    `\\[INFO\\] Listening at: http://127\\.0\\.0\\.1:8000 \\(${pid}\\)`,
    `\\[WARN\\] Worker timeout \\{ workerId: 3 \\}`,
    `\\[ERROR\\] Worker failed to boot Error: boom`,
    `\\[FATAL\\] Shutting down: Master`,
  ];
  const found = headers(lines);
  t.is(found.length, expected.length);
  expected.forEach((pattern, index) => {
    t.regex(found[index]!, new RegExp(`^${stamp} \\[${pid}\\] ${pattern}$`));
  });
});

test("an Error's stack follows its line, as Gunicorn prints a traceback", async (t) => {
  const { lines } = await emit(['info']);
  const at = lines.findIndex((line) => line.includes('[ERROR] Worker failed to boot Error: boom'));
  t.regex(lines[at + 1]!, /^ {4}at /);
});

test('debug shows debug lines; critical shows only fatal ones', async (t) => {
  const debug = headers((await emit(['debug'])).lines);
  t.regex(debug[0]!, /\[DEBUG\] Current configuration: workers=2$/);
  t.is(debug.length, 5);
  const critical = headers((await emit(['critical'])).lines);
  t.is(critical.length, 1);
  t.regex(critical[0]!, /\[FATAL\] Shutting down: Master$/);
});

test('warning and error levels filter as their tslog counterparts', async (t) => {
  t.deepEqual(
    headers((await emit(['warning'])).lines).map((line) => /\[([A-Z]+)\] /.exec(line)?.[1]),
    ['WARN', 'ERROR', 'FATAL'],
  );
  t.deepEqual(
    headers((await emit(['error'])).lines).map((line) => /\[([A-Z]+)\] /.exec(line)?.[1]),
    ['ERROR', 'FATAL'],
  );
});

test('the timestamp is local time with its UTC offset', async (t) => {
  const { lines } = await emit(['info'], 'Asia/Kolkata');
  t.regex(lines[0]!, /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0530\] /);
  const west = await emit(['info'], 'America/St_Johns');
  t.regex(west.lines[0]!, /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} -0[23]30\] /);
});

test('json: one object per line, with fields, the logger name and the error', async (t) => {
  const { pid, lines } = await emit(['info', 'json']);
  const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  t.is(records.length, 4);
  t.like(records[0], {
    level: 'INFO',
    pid,
    name: 'master',
    msg: `Listening at: http://127.0.0.1:8000 (${pid})`,
  });
  t.regex(String(records[0]!.time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  t.like(records[1], { level: 'WARN', msg: 'Worker timeout', workerId: 3 });
  t.like(records[2], {
    level: 'ERROR',
    msg: 'Worker failed to boot',
    error: { name: 'Error', message: 'boom' },
  });
  t.like(records[3], { level: 'FATAL', name: 'worker', msg: 'Shutting down: Master' });
});

test('formatLogLine renders a known event exactly', (t) => {
  const event = {
    date: new Date(),
    pid: 42,
    level: 'INFO',
    name: 'master',
    args: ['a %s', 'b', 1],
  };
  t.regex(formatLogLine(event, 'text'), /^\[[^\]]+\] \[42\] \[INFO\] a b 1$/);
  t.like(JSON.parse(formatLogLine(event, 'json')), { pid: 42, level: 'INFO', msg: 'a b 1' });
});
