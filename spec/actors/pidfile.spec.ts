import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removePidfile, writePidfile } from '../../actors/pidfile.ts';
import { PidfileError } from '../../errors.ts';
import { ExitCode } from '../../protocol/exit-codes.ts';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-pid-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The pid of a process that has exited: a stale pid file's content. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

test.serial(
  'writes the pid and a newline, mode 0644 whatever the umask, and no temp file',
  async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'corral.pid');
    const umask = process.umask(0o077);
    t.teardown(() => process.umask(umask));
    writePidfile(path, process.pid);
    t.is(readFileSync(path, 'utf8'), `${process.pid}\n`);
    t.is(statSync(path).mode & 0o777, 0o644);
    t.deepEqual(readdirSync(dir), ['corral.pid']);
  },
);

test('refuses a file that holds another live process', (t) => {
  const path = join(tempDir(t), 'corral.pid');
  // The process that started this spec file is alive for as long as it runs.
  writeFileSync(path, `${process.ppid}\n`);
  const error = t.throws(() => writePidfile(path, process.pid), { instanceOf: PidfileError });
  t.is(error.message, `already running on PID ${process.ppid} (according to ${path})`);
  t.is(error.exitCode, ExitCode.Error);
  t.is(readFileSync(path, 'utf8'), `${process.ppid}\n`);
});

test('replaces a file that already holds our own pid', (t) => {
  const path = join(tempDir(t), 'corral.pid');
  writeFileSync(path, String(process.pid));
  writePidfile(path, process.pid);
  t.is(readFileSync(path, 'utf8'), `${process.pid}\n`);
});

test('replaces a stale file whose process has exited', async (t) => {
  const path = join(tempDir(t), 'corral.pid');
  writeFileSync(path, `${await deadPid()}\n`);
  writePidfile(path, process.pid);
  t.is(readFileSync(path, 'utf8'), `${process.pid}\n`);
});

for (const content of ['', 'garbage\n', '0\n', '-5\n', '12abc', '99999999999999999999']) {
  test(`replaces a malformed file: ${JSON.stringify(content)}`, (t) => {
    const path = join(tempDir(t), 'corral.pid');
    writeFileSync(path, content);
    writePidfile(path, process.pid);
    t.is(readFileSync(path, 'utf8'), `${process.pid}\n`);
  });
}

test('a file that cannot be written is a PidfileError with the cause, and leaves nothing', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'missing', 'corral.pid');
  const error = t.throws(() => writePidfile(path, process.pid), { instanceOf: PidfileError });
  t.is(error.message, `cannot write the pid file ${path}`);
  t.like(error.cause, { code: 'ENOENT' });
  t.deepEqual(readdirSync(dir), []);
});

test('removePidfile removes the file while it holds our pid', (t) => {
  const path = join(tempDir(t), 'corral.pid');
  writePidfile(path, process.pid);
  t.true(removePidfile(path, process.pid));
  t.false(existsSync(path));
});

test('removePidfile leaves a file that names another process', (t) => {
  const path = join(tempDir(t), 'corral.pid');
  writeFileSync(path, `${process.ppid}\n`);
  t.false(removePidfile(path, process.pid));
  t.is(readFileSync(path, 'utf8'), `${process.ppid}\n`);
});

test('removePidfile is content with a file that is already gone', (t) => {
  t.false(removePidfile(join(tempDir(t), 'corral.pid'), process.pid));
});
