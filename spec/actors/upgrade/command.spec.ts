import test from 'ava';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logicalCwd, reexecCommand } from '../../../actors/upgrade/command.ts';

// chdir is safe here: every spec file runs in its own process.

test.serial('re-executes the same Node, flags, entry and arguments', (t) => {
  const command = reexecCommand(['app.js', '-w', '2']);
  t.is(command.file, process.execPath);
  t.deepEqual(command.args, [...process.execArgv, process.argv[1], 'app.js', '-w', '2']);
  t.is(command.cwd, logicalCwd());
});

test.serial(
  'the working directory keeps a symlinked release path ($PWD), so USR2 runs the release it points to now',
  (t) => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'corral-upgrade-cwd-')));
    const before = process.cwd();
    t.teardown(() => {
      process.chdir(before);
      rmSync(root, { recursive: true, force: true });
    });
    const release = join(root, 'releases', '1');
    mkdirSync(release, { recursive: true });
    const current = join(root, 'current');
    symlinkSync(release, current);
    process.chdir(current);
    t.is(process.cwd(), release, 'process.cwd() resolves the symlink');
    t.is(logicalCwd({ PWD: current }), current);
    t.is(logicalCwd({ PWD: root }), release, 'a $PWD that is another directory is ignored');
    t.is(logicalCwd({ PWD: join(root, 'gone') }), release);
    t.is(logicalCwd({}), release);
  },
);
