/**
 * The client end of the control socket: connect, send one request line, read one answer line.
 * Every way of not reaching a master becomes a {@link CtlFailure} with its own exit code.
 *
 * @example
 * const reply = await sendControlRequest('/run/corral/ctl.sock', { command: 'status' }, 10_000);
 */
import { lstatSync } from 'node:fs';
import { connect } from 'node:net';
import type { ControlReply, ControlRequest } from './commands.ts';
import { CtlExitCode, CtlFailure } from './ctl-exit-codes.ts';
import { readLine } from './read-line.ts';

const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export async function sendControlRequest(
  path: string,
  request: ControlRequest,
  timeoutMs: number,
): Promise<ControlReply> {
  const socket = connect(path);
  socket.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new CtlFailure(
            `no answer from ${path} within ${timeoutMs / 1000} s`,
            CtlExitCode.TimedOut,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([exchange(socket, path, request), timeout]);
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

async function exchange(
  socket: ReturnType<typeof connect>,
  path: string,
  request: ControlRequest,
): Promise<ControlReply> {
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', (error: NodeJS.ErrnoException) => reject(connectFailure(path, error)));
  });
  socket.write(`${JSON.stringify(request)}\n`);
  const line = await readLine(socket, MAX_ANSWER_BYTES).catch((error: Error) => {
    throw new CtlFailure(`reading the answer from ${path}: ${error.message}`, CtlExitCode.NoMaster);
  });
  if (line === null) {
    throw new CtlFailure(
      `the master at ${path} closed the connection without answering`,
      CtlExitCode.NoMaster,
    );
  }
  try {
    return JSON.parse(line) as ControlReply;
  } catch {
    throw new CtlFailure(`${path} answered something that is not JSON`, CtlExitCode.Refused);
  }
}

function connectFailure(path: string, error: NodeJS.ErrnoException): CtlFailure {
  switch (error.code) {
    case 'ENOENT':
      return new CtlFailure(`no master answers at ${path}: no such socket`, CtlExitCode.NoMaster, {
        cause: error,
      });
    case 'ECONNREFUSED':
      // Linux refuses a connection to a file that is not a socket the same way.
      if (!isSocket(path)) return new CtlFailure(`${path} is not a socket`, CtlExitCode.NoMaster);
      return new CtlFailure(
        `no master answers at ${path}: connection refused (a stale socket?)`,
        CtlExitCode.NoMaster,
        { cause: error },
      );
    case 'ENOTSOCK':
    case 'ENOTDIR':
      return new CtlFailure(`${path} is not a socket`, CtlExitCode.NoMaster, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new CtlFailure(
        `permission denied connecting to ${path} (it belongs to the master's user)`,
        CtlExitCode.PermissionDenied,
        { cause: error },
      );
    default:
      return new CtlFailure(
        `cannot connect to ${path}: ${error.code ?? error.message}`,
        CtlExitCode.NoMaster,
        { cause: error },
      );
  }
}

function isSocket(path: string): boolean {
  try {
    return lstatSync(path).isSocket();
  } catch {
    return true;
  }
}
