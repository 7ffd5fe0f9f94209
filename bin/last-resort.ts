/**
 * If the master itself fails (an exception nothing caught), its workers must not outlive it:
 * kill them, say why, and exit 1. Workers also exit on their own when the IPC channel closes,
 * which covers a master killed with SIGKILL, where no code of ours runs.
 */
import { ExitCode, type Arbiter, type LogSink } from '../index.ts';

export function installLastResort(arbiter: Arbiter, log: LogSink): void {
  const fail = (error: unknown) => {
    log.fatal(
      `Unhandled error in the master: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    for (const child of arbiter.children) child.kill('SIGKILL');
    process.exit(ExitCode.Error);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
}
