/**
 * Where a log's lines go: stdout, stderr, or a file opened for appending, which `reopen()`
 * swaps for a fresh one at the same path (logrotate renames the old file, then sends USR1).
 * Every write is one synchronous `write(2)` of whole lines, so a line is never split, and the
 * processes sharing a file (the master and each worker open it themselves) never cut into each
 * other's lines: O_APPEND writes to a regular file land whole at its end.
 */
import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';

export interface LogDestination {
  /** Writes one chunk of whole lines, each ending in a newline. */
  write(lines: string): void;
  /** Opens the path again (a no-op for stdout and stderr), then closes the old file. */
  reopen(): void;
  /** The most bytes one write may carry and still land whole (a pipe's PIPE_BUF). */
  readonly atomicBytes: number;
  close(): void;
}

/** `-` is the standard stream named; anything else a file path. */
export type StandardStream = 'stdout' | 'stderr';

/** Linux's PIPE_BUF: a pipe write no longer than this is never interleaved with another. */
const PIPE_BUF = 4096;
/** For a regular file, the whole write is atomic; this only bounds one syscall's buffer. */
const FILE_CHUNK = 64 * 1024;

/**
 * @example
 * const errors = openLogDestination(settings.errorLogfile, 'stderr');
 * errors.write('[2026-11-26 04:15:43 +0000] [1234] [INFO] Booting\n');
 * process.on('SIGUSR1', () => errors.reopen());
 */
export function openLogDestination(path: string, standard: StandardStream): LogDestination {
  if (path === '-') return standardDestination(standard);
  let fd = openSync(path, 'a');
  return {
    write(lines) {
      writeSync(fd, lines);
    },
    reopen() {
      const next = openSync(path, 'a');
      const old = fd;
      fd = next;
      closeSync(old);
    },
    atomicBytes: FILE_CHUNK,
    close() {
      closeSync(fd);
    },
  };
}

function standardDestination(name: StandardStream): LogDestination {
  const fd = name === 'stdout' ? 1 : 2;
  const stream = name === 'stdout' ? process.stdout : process.stderr;
  return {
    // The stream, not writeSync: it copes with a non-blocking pipe (EAGAIN) by queueing.
    write(lines) {
      stream.write(lines);
    },
    reopen() {},
    atomicBytes: isRegularFile(fd) ? FILE_CHUNK : PIPE_BUF,
    close() {},
  };
}

function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}
