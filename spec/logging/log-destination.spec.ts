import test from 'ava';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
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
