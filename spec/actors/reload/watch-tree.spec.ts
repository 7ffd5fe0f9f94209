import test, { type ExecutionContext } from 'ava';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchFiles$, watchTree$ } from '../../../actors/reload/watch-tree.ts';
import { eventually } from '../../integration/corral-process.ts';
import { inotifyWatches } from '../../helpers/inotify-watches.ts';

function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-tree-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function collect(t: ExecutionContext, source: ReturnType<typeof watchTree$>) {
  const seen = new Set<string>();
  const subscription = source.subscribe((path) => seen.add(path));
  t.teardown(() => subscription.unsubscribe());
  return { seen, subscription };
}

test.serial(
  'a tree watch reports nested changes, follows new directories and skips the ones named',
  async (t) => {
    const root = tempDir(t);
    mkdirSync(join(root, 'lib'));
    mkdirSync(join(root, 'node_modules'));
    const errors: string[] = [];
    let count = 0;
    const { seen, subscription } = collect(
      t,
      watchTree$(root, {
        skipDirectory: (name) => name === 'node_modules',
        onError: (path) => errors.push(path),
        onWatching: (directories) => (count = directories),
      }),
    );
    t.is(count, 2, 'the root and lib, not node_modules');

    writeFileSync(join(root, 'lib', 'a.js'), '1');
    await eventually(() => seen.has(join(root, 'lib', 'a.js')), 'a nested write is seen');
    mkdirSync(join(root, 'lib', 'deeper'));
    await eventually(() => seen.has(join(root, 'lib', 'deeper')), 'the new directory is seen');
    writeFileSync(join(root, 'lib', 'deeper', 'b.js'), '1');
    await eventually(() => seen.has(join(root, 'lib', 'deeper', 'b.js')), 'it is watched');
    // An editor's save: a temporary file renamed over the original.
    writeFileSync(join(root, 'lib', 'a.js.tmp'), '2');
    seen.clear();
    renameSync(join(root, 'lib', 'a.js.tmp'), join(root, 'lib', 'a.js'));
    await eventually(() => seen.has(join(root, 'lib', 'a.js')), 'a rename over the file is seen');

    writeFileSync(join(root, 'node_modules', 'c.js'), '1');
    writeFileSync(join(root, 'last.js'), '1');
    await eventually(() => seen.has(join(root, 'last.js')), 'a later write is seen');
    t.false(seen.has(join(root, 'node_modules', 'c.js')), 'node_modules is not watched');
    t.deepEqual(errors, []);

    subscription.unsubscribe();
    t.is(inotifyWatches(), 0, 'unsubscribing closes every watch');
  },
);

test.serial(
  'a directory removed and made again under the same name is watched again',
  async (t) => {
    const root = tempDir(t);
    mkdirSync(join(root, 'lib'));
    const { seen } = collect(t, watchTree$(root, { skipDirectory: () => false, onError() {} }));
    t.is(inotifyWatches(), 2);
    rmSync(join(root, 'lib'), { recursive: true });
    mkdirSync(join(root, 'lib'));
    writeFileSync(join(root, 'lib', 'again.js'), '1');
    await eventually(() => seen.has(join(root, 'lib', 'again.js')), 'lib is watched again');
  },
);

test.serial('a file watch reports its files only, including one created later', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'settings.json');
  const errors: string[] = [];
  const { seen, subscription } = collect(
    t,
    watchFiles$([file], (path) => errors.push(path)),
  );
  writeFileSync(join(dir, 'other.json'), '{}');
  writeFileSync(file, '{}');
  await eventually(() => seen.has(file), 'the file is seen');
  t.deepEqual([...seen], [file]);
  subscription.unsubscribe();
  t.is(inotifyWatches(), 0);

  collect(
    t,
    watchFiles$([join(dir, 'missing', 'x.json')], (path) => errors.push(path)),
  );
  t.deepEqual(errors, [join(dir, 'missing')], 'a missing directory is reported');
});
