/**
 * Where a log's lines go: stdout, stderr, or a file opened for appending, which `reopen()`
 * swaps for a fresh one at the same path (logrotate renames the old file, then sends USR1).
 * Every write is one synchronous `write(2)` of whole lines, so a line is never split, and the
 * processes sharing a file (the master and each worker open it themselves) never cut into each
 * other's lines: O_APPEND writes to a regular file land whole at its end.
 *
 * A file must never stop a process from serving: a write that fails (ENOSPC on a full disk, EIO)
 * drops its lines instead of throwing, and a file removed under the process (`rm`: the fd still
 * points at the unlinked inode, so every line would vanish) is opened again at its path. Each is
 * said once on stderr, not once per line; docs/logging.md has the sentences and why.
 */
import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import { isRemoved, strandedSentence, toStderr, writeFailures } from './log-file-trouble.ts';

export interface LogDestination {
  /** Writes one chunk of whole lines, each ending in a newline; never throws. */
  write(lines: string): void;
  /** Opens the path again (a no-op for stdout and stderr), then closes the old file. */
  reopen(): void;
  /** The most bytes one write may carry and still land whole (a pipe's PIPE_BUF). */
  readonly atomicBytes: number;
  close(): void;
}

/** `-` is the standard stream named; anything else a file path. */
export type StandardStream = 'stdout' | 'stderr';

export interface LogDestinationOptions {
  /** What the sentences call the log: `error log` (stderr's) or `access log` (stdout's). */
  name?: string;
  /** Says a sentence about the file where an operator looks: stderr, `corral: [PID] ...`. */
  announce?: (sentence: string) => void;
  /**
   * Writes the sentences a log can carry (reopened after a removal, writable again) through the
   * owner's logger too, so they have its format. The failures are not given: they could not land.
   */
  record?: (sentence: string) => void;
  /**
   * Runs the check for a removed file (one fstat(2), off the request path) now and then, and
   * returns what stops it: every second on an unref'd timer unless given (a spec calls it).
   */
  schedule?: (check: () => void) => () => void;
}

/** Linux's PIPE_BUF: a pipe write no longer than this is never interleaved with another. */
const PIPE_BUF = 4096;
/** For a regular file, the whole write is atomic; this only bounds one syscall's buffer. */
const FILE_CHUNK = 64 * 1024;
const CHECK_EVERY_MS = 1000;

/** Unref'd: a worker with nothing else to do still exits. */
function everySecond(check: () => void): () => void {
  const timer = setInterval(check, CHECK_EVERY_MS).unref();
  return () => clearInterval(timer);
}

/**
 * @example
 * const errors = openLogDestination(settings.errorLogfile, 'stderr');
 * errors.write('[2026-11-26 04:15:43 +0000] [1234] [INFO] Booting\n');
 * process.on('SIGUSR1', () => errors.reopen());
 */
export function openLogDestination(
  path: string,
  standard: StandardStream,
  options: LogDestinationOptions = {},
): LogDestination {
  if (path === '-') return standardDestination(standard);
  return fileDestination(path, {
    name: options.name ?? (standard === 'stderr' ? 'error log' : 'access log'),
    announce: options.announce ?? toStderr,
    record: options.record ?? (() => {}),
    schedule: options.schedule ?? everySecond,
  });
}

function fileDestination(path: string, options: Required<LogDestinationOptions>): LogDestination {
  const { announce, record } = options;
  const what = `the ${options.name} ${path}`;
  const writes = writeFailures(what, announce, record);
  let fd = openSync(path, 'a');
  /** The removal was told and the path could not be opened again: told once, retried quietly. */
  let stranded = false;
  const swap = (next: number): void => {
    const old = fd;
    fd = next;
    stranded = false;
    closeQuietly(old);
  };
  const stopChecking = options.schedule(() => {
    if (!isRemoved(fd)) return;
    let next: number;
    try {
      next = openSync(path, 'a');
    } catch (error) {
      if (!stranded) announce(strandedSentence(what, error, fd));
      stranded = true;
      return;
    }
    swap(next);
    const sentence = `${what} was removed; reopened it as a new file`;
    announce(sentence);
    record(sentence);
  });
  return {
    write(lines) {
      try {
        writeSync(fd, lines);
      } catch (error) {
        writes.failed(error, lines);
        return;
      }
      writes.succeeded();
    },
    reopen() {
      swap(openSync(path, 'a'));
    },
    atomicBytes: FILE_CHUNK,
    close() {
      stopChecking();
      closeSync(fd);
    },
  };
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // The new file is in use already; an error closing the old one changes nothing.
  }
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
