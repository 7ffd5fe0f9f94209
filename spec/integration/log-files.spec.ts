/**
 * The error log and the access log as files: JSON lines from the master and the workers in one
 * `--error-logfile`, and USR1 reopening both under load, as logrotate uses it (rename, then
 * USR1), with every request's line whole in the old file or the new one.
 */
import test, { type ExecutionContext } from 'ava';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, get, killQuietly, startCorral } from './corral-process.ts';

/** Answers with its pid; `/throw` throws, so the worker logs an error and answers 500. */
const pidApp = fileURLToPath(new URL('../fixtures/apps/pid-app.mjs', import.meta.url));

test.serial('--log-format json writes master and worker lines to --error-logfile', async (t) => {
  const dir = tempDir(t);
  const errorLog = join(dir, 'error.log');
  const corral = startCorral(t, [
    pidApp,
    ...['-w', '1', '-b', '127.0.0.1:0', '--log-format', 'json', '--error-logfile', errorLog],
  ]);
  killWorkersInTeardown(t, errorLog);
  const port = await portFrom(errorLog);
  await fileMatches(errorLog, /Ready: 1 worker serving/);
  t.is((await get(port, '/throw')).status, 500);
  await fileMatches(errorLog, /GET \/throw failed/);
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);

  const records = readFileSync(errorLog, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const master = corral.child.pid;
  for (const record of records) {
    t.regex(String(record.time), /^\d{4}-\d\d-\d\dT/);
    t.true(['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].includes(String(record.level)));
  }
  t.like(find(records, 'worker.spawned'), { level: 'INFO', pid: master, workerId: 1 });
  t.like(find(records, 'worker.ready'), { pid: master, workerId: 1 });
  t.like(find(records, 'worker.exited'), { level: 'INFO', pid: master, workerId: 1 });
  t.like(find(records, 'arbiter.halted'), { msg: 'Shutting down: Master', pid: master });
  const thrown = records.find((record) => record.msg === 'GET /throw failed');
  t.like(thrown, { name: 'worker', level: 'ERROR', workerId: 1, error: { name: 'Error' } });
  t.not(thrown?.pid, master, 'the worker wrote its own line');
  t.false(corral.output().includes('Booting worker'), 'nothing went to stderr');
});

test.serial('USR1 under load: each request has one whole line, old file or new', async (t) => {
  const dir = tempDir(t);
  const accessLog = join(dir, 'access.log');
  const errorLog = join(dir, 'error.log');
  const corral = startCorral(t, [
    pidApp,
    ...['-w', '2', '-b', '127.0.0.1:0', '--error-logfile', errorLog],
    ...['--access-logfile', accessLog, '--access-logformat', '%(p)s "%(r)s" %(s)s %(b)s END'],
  ]);
  killWorkersInTeardown(t, errorLog);
  const port = await portFrom(errorLog);
  await fileMatches(errorLog, /Ready: 2 workers serving/);

  const load = startLoad(port, 8);
  await eventually(() => load.served() >= 200, '200 requests served');
  renameSync(accessLog, `${accessLog}.1`);
  renameSync(errorLog, `${errorLog}.1`);
  corral.signal('SIGUSR1');
  await eventually(() => existsSync(accessLog) && existsSync(errorLog), 'the files reopened');
  const before = load.served();
  await eventually(() => load.served() >= before + 200, '200 more requests served');
  t.is((await get(port, '/throw')).status, 500);
  await load.stop();
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);

  const old = lines(`${accessLog}.1`);
  const fresh = lines(accessLog);
  t.true(old.length > 0 && fresh.length > 0, `${old.length} old lines, ${fresh.length} new`);
  const whole = /^<\d+> "GET \/(n\/\d+ HTTP\/1\.1" 200|throw HTTP\/1\.1" 500) \d+ END$/;
  const split = [...old, ...fresh].filter((line) => !whole.test(line));
  t.deepEqual(split, [], 'every line is whole');
  // Every counted request plus the one that threw: none lost, none twice.
  const paths = [...old, ...fresh].map((line) => line.split('"')[1]);
  t.is(paths.length, load.served() + 1);
  t.is(new Set(paths).size, paths.length);
  t.regex(readFileSync(`${errorLog}.1`, 'utf8'), /Handling signal: usr1/);
  // After the reopen, the master and the workers write to the new file only.
  t.regex(readFileSync(errorLog, 'utf8'), /GET \/throw failed[\s\S]*Shutting down: Master/);
});

test.serial('a log file that cannot be opened is exit 1 before anything is bound', async (t) => {
  const dir = tempDir(t);
  const missing = join(dir, 'no-such-dir', 'access.log');
  const corral = startCorral(t, [pidApp, '-b', '127.0.0.1:0', '--access-logfile', missing]);
  t.is((await corral.exited).code, 1);
  t.regex(corral.output(), /corral: error: cannot open --access-logfile .*access\.log .*ENOENT/);
  t.notRegex(corral.output(), /Listening at/);
});

interface Load {
  served(): number;
  /** Lets every client finish its request in flight, then resolves. */
  stop(): Promise<void>;
}

/** `clients` loops of sequential keep-alive requests, each to a path no other uses. */
function startLoad(port: number, clients: number): Load {
  let served = 0;
  let running = true;
  let next = 0;
  const loop = async () => {
    while (running) {
      const { status } = await get(port, `/n/${(next += 1)}`);
      if (status !== 200) throw new Error(`status ${status}`);
      served += 1;
    }
  };
  const loops = Array.from({ length: clients }, loop);
  return {
    served: () => served,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').slice(0, -1);
}

function find(records: Array<Record<string, unknown>>, event: string): Record<string, unknown> {
  return records.find((record) => record.event === event) ?? {};
}

function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-logs-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The harness kills workers it saw in the output; here they are only in the log files. */
function killWorkersInTeardown(t: ExecutionContext, errorLog: string): void {
  t.teardown(() => {
    for (const file of [errorLog, `${errorLog}.1`]) {
      if (!existsSync(file)) continue;
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/Booting worker \d+ with pid: (\d+)/g)) {
        killQuietly(Number(match[1]));
      }
    }
  });
}

async function fileMatches(file: string, pattern: RegExp): Promise<RegExpMatchArray> {
  let match: RegExpMatchArray | null = null;
  await eventually(() => {
    match = existsSync(file) ? readFileSync(file, 'utf8').match(pattern) : null;
    return match !== null;
  }, `${pattern} in ${file}`);
  return match!;
}

async function portFrom(errorLog: string): Promise<number> {
  return Number((await fileMatches(errorLog, /Listening at: http:\/\/[^\s]*:(\d+)/))[1]);
}
