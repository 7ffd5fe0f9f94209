import test, { type ExecutionContext } from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatLogLine } from '../../logging/format-log-line.ts';
import { logFields } from '../../logging/log-fields.ts';
import { openLogDestination } from '../../logging/log-destination.ts';

test('reopen after a rename: old lines stay in the renamed file, new ones go to a new file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-dest-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'app.log');
  const destination = openLogDestination(path, 'stderr');
  destination.write('one\n');
  renameSync(path, `${path}.1`);
  destination.write('two\n');
  destination.reopen();
  destination.write('three\n');
  destination.close();
  t.is(readFileSync(`${path}.1`, 'utf8'), 'one\ntwo\n');
  t.is(readFileSync(path, 'utf8'), 'three\n');
});

test('a file is appended to, never truncated', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-dest-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'app.log');
  for (const line of ['first\n', 'second\n']) {
    const destination = openLogDestination(path, 'stdout');
    destination.write(line);
    destination.close();
  }
  t.is(readFileSync(path, 'utf8'), 'first\nsecond\n');
});

test('log fields are JSON keys, and a text line leaves them out', (t) => {
  const event = {
    date: new Date('2026-11-26T04:15:43Z'),
    pid: 7,
    level: 'INFO',
    name: 'master',
    args: ['Booting worker 1 with pid: 42', logFields({ event: 'worker.spawned', workerId: 1 })],
  };
  t.like(JSON.parse(formatLogLine(event, 'json')), {
    level: 'INFO',
    pid: 7,
    msg: 'Booting worker 1 with pid: 42',
    event: 'worker.spawned',
    workerId: 1,
  });
  t.regex(formatLogLine(event, 'text'), /\[7\] \[INFO\] Booting worker 1 with pid: 42$/);
});

/** A destination on `path` whose sentences are kept, and whose removal check the spec runs. */
function watched(path: string, record?: (sentence: string) => void) {
  const told: string[] = [];
  let check = (): void => {};
  const destination = openLogDestination(path, 'stderr', {
    announce: (sentence) => told.push(sentence),
    record,
    schedule: (given) => {
      check = given;
      return () => {
        check = () => {};
      };
    },
  });
  return { destination, told, check: () => check() };
}

function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-dest-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a full disk (/dev/full) drops the lines without throwing, and says so once', (t) => {
  const { destination, told } = watched('/dev/full');
  t.teardown(() => destination.close());
  for (let i = 0; i < 50; i += 1) t.notThrows(() => destination.write(`line ${i}\n`));
  t.deepEqual(told, [
    'cannot write the error log /dev/full: ENOSPC (no space left on device); ' +
      'its lines are dropped until it can be written again',
  ]);
});

test('writable again: says so once with the lines dropped, and a later failure is told again', (t) => {
  const dir = tempDir(t);
  // A symlink lets the same path lead to /dev/full, then to a file: USR1 reopens it.
  const path = join(dir, 'app.log');
  symlinkSync('/dev/full', path);
  const recorded: string[] = [];
  const { destination, told } = watched(path, (sentence) => {
    recorded.push(sentence);
    destination.write(`${sentence}\n`);
  });
  t.teardown(() => destination.close());
  destination.write('lost one\nlost two\n');
  destination.write('lost three\n');
  rmSync(path);
  symlinkSync(join(dir, 'real.log'), path);
  destination.reopen();
  destination.write('kept\n');
  const back = `the error log ${path} can be written again; 3 lines were dropped`;
  t.deepEqual(told.slice(1), [back]);
  t.deepEqual(recorded, [back], 'the log itself gets the sentence too');
  t.is(readFileSync(join(dir, 'real.log'), 'utf8'), `kept\n${back}\n`);

  rmSync(path);
  symlinkSync('/dev/full', path);
  destination.reopen();
  destination.write('lost four\n');
  t.is(told.length, 3);
  t.regex(told[2]!, /^cannot write the error log .*app\.log: ENOSPC/);
});

test('a removed file is reopened at its path, told once per removal', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'app.log');
  const recorded: string[] = [];
  const { destination, told, check } = watched(path, (sentence) => recorded.push(sentence));
  t.teardown(() => destination.close());
  destination.write('one\n');
  check();
  t.deepEqual(told, [], 'a file still there is left alone');
  rmSync(path);
  destination.write('into the removed file\n');
  check();
  check();
  destination.write('two\n');
  t.is(readFileSync(path, 'utf8'), 'two\n');
  const reopened = `the error log ${path} was removed; reopened it as a new file`;
  t.deepEqual(told, [reopened]);
  t.deepEqual(recorded, [reopened]);
  rmSync(path);
  check();
  destination.write('three\n');
  t.is(readFileSync(path, 'utf8'), 'three\n');
  t.deepEqual(told, [reopened, reopened]);
});

test('a removed file whose directory is gone too: told once, old file kept, reopened later', (t) => {
  const dir = tempDir(t);
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  const path = join(logs, 'app.log');
  const { destination, told, check } = watched(path);
  t.teardown(() => destination.close());
  rmSync(logs, { recursive: true });
  check();
  destination.write('still kept\n');
  check();
  t.is(told.length, 1);
  const stranded = told[0]!.match(
    /^the error log .*app\.log was removed and cannot be created again: ENOENT \(no such file or directory\); its lines go to the removed file \((\/proc\/\d+\/fd\/\d+)\) until it can be, tried every second$/,
  );
  t.truthy(stranded, told[0]);
  t.is(readFileSync(stranded![1]!, 'utf8'), 'still kept\n', 'the old fd still takes the lines');
  mkdirSync(logs);
  check();
  destination.write('back\n');
  t.is(readFileSync(path, 'utf8'), 'back\n');
  t.is(told[1], `the error log ${path} was removed; reopened it as a new file`);
});

test('logrotate renames (nlink stays 1): no removal is seen, USR1 reopens as before', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'app.log');
  const { destination, told, check } = watched(path);
  destination.write('one\n');
  renameSync(path, `${path}.1`);
  check();
  destination.write('two\n');
  destination.reopen();
  check();
  destination.write('three\n');
  destination.close();
  t.deepEqual(told, []);
  t.is(readFileSync(`${path}.1`, 'utf8'), 'one\ntwo\n');
  t.is(readFileSync(path, 'utf8'), 'three\n');
});

test('close stops the removal check', (t) => {
  let stopped = false;
  const destination = openLogDestination('/dev/full', 'stdout', {
    schedule: () => () => {
      stopped = true;
    },
  });
  destination.close();
  t.true(stopped);
});
