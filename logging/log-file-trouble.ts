/**
 * What goes wrong with a log file, said once: the sentences for a write that fails (ENOSPC on a
 * full disk, EIO) and for a file removed under the process, the count of the lines a failing
 * file drops, and the check that finds a removed file. log-destination.ts uses them.
 */
import { fstatSync, writeSync } from 'node:fs';
import { getSystemErrorMap } from 'node:util';

/** Counts the lines a failing file drops; tells the first failure once, then the recovery. */
export function writeFailures(
  what: string,
  announce: (sentence: string) => void,
  record: (sentence: string) => void,
) {
  /** Lines dropped since the first failed write; undefined while writes succeed. */
  let dropped: number | undefined;
  return {
    failed(error: unknown, lines: string): void {
      const first = dropped === undefined;
      // Counted before telling: an announce that writes here again is one more dropped line.
      dropped = (dropped ?? 0) + countLines(lines);
      if (first) announce(failureSentence(what, error));
    },
    /** Cleared before telling: the record writes to this file again, and must land as a line. */
    succeeded(): void {
      if (dropped === undefined) return;
      const sentence = `${what} can be written again; ${plural(dropped, 'line')} dropped`;
      dropped = undefined;
      announce(sentence);
      record(sentence);
    },
  };
}

function failureSentence(what: string, error: unknown): string {
  return (
    `cannot write ${what}: ${describe(error)}; ` +
    'its lines are dropped until it can be written again'
  );
}

export function strandedSentence(what: string, error: unknown, fd: number): string {
  return (
    `${what} was removed and cannot be created again: ${describe(error)}; its lines go to ` +
    `the removed file (/proc/${process.pid}/fd/${fd}) until it can be, tried every second`
  );
}

/** A regular file whose last name is gone; a device (`/dev/full`) or a pipe never is. */
export function isRemoved(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    return stat.isFile() && stat.nlink === 0;
  } catch {
    return false;
  }
}

/** `ENOSPC (no space left on device)`: the code to grep for, and words for the operator. */
function describe(error: unknown): string {
  const { code, errno } = error as NodeJS.ErrnoException;
  if (code === undefined) return String(error);
  const words = errno === undefined ? undefined : getSystemErrorMap().get(errno)?.[1];
  return words === undefined ? code : `${code} (${words})`;
}

function countLines(lines: string): number {
  let count = 0;
  for (let at = lines.indexOf('\n'); at !== -1; at = lines.indexOf('\n', at + 1)) count += 1;
  return count;
}

function plural(count: number, noun: string): string {
  return count === 1 ? `1 ${noun} was` : `${count} ${noun}s were`;
}

/** One write(2) that cannot throw: stderr may be gone too, and then nothing is left to tell. */
export function toStderr(sentence: string): void {
  try {
    writeSync(2, `corral: [${process.pid}] ${sentence}\n`);
  } catch {
    // nowhere else to say it
  }
}
