/**
 * Which corral was measured: the commit, how many files differ from it, and a hash of the
 * source that runs (the working tree, since it may hold uncommitted work). Read-only git only.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['bin', 'actors', 'machines', 'workers', 'protocol', 'settings', 'logging'];

export interface CodeFingerprint {
  commit: string;
  /** Changed or untracked files outside bench/ and docs/ (from `git status --porcelain`). */
  uncommitted: number;
  /** sha256 (first 12 hex digits) of every file under the corral source directories. */
  sourceHash: string;
}

export function codeFingerprint(root: string): CodeFingerprint {
  const git = (...args: string[]): string => {
    try {
      return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  const status = git('status', '--porcelain').split('\n');
  const uncommitted = status.filter(
    (line) => line !== '' && !/^.. (bench|docs)\//.test(line),
  ).length;
  const hash = createHash('sha256');
  for (const dir of SOURCES)
    for (const file of listFiles(join(root, dir))) {
      hash.update(file.slice(root.length));
      hash.update(readFileSync(file));
    }
  return {
    commit: git('rev-parse', '--short', 'HEAD') || 'unknown',
    uncommitted,
    sourceHash: hash.digest('hex').slice(0, 12),
  };
}

function listFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
