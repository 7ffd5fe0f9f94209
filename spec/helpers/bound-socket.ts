/**
 * A TCP socket on 127.0.0.1, port 0, bound but not listening: what the master holds and hands
 * to its workers, made with the same internal call `cluster` uses for SCHED_NONE.
 *
 * @example
 * const socket = bindSocket(t);
 * startWorker(t, socket, { app: 'pid-app.mjs' });
 */
import type { ExecutionContext } from 'ava';
import net from 'node:net';

interface BindOnlyHandle {
  fd: number;
  getsockname(out: { port?: number }): number;
  close(): void;
}

type CreateServerHandle = (
  address: string,
  port: number,
  addressType: number,
) => BindOnlyHandle | number;

export interface BoundSocket {
  fd: number;
  port: number;
}

/**
 * Binds a socket for the test and closes it in teardown.
 *
 * @example
 * const { fd, port } = bindSocket(t);
 */
export function bindSocket(t: ExecutionContext): BoundSocket {
  const create = (net as unknown as { _createServerHandle: CreateServerHandle })
    ._createServerHandle;
  const handle = create('127.0.0.1', 0, 4);
  if (typeof handle === 'number') throw new Error(`cannot bind 127.0.0.1:0 (error ${handle})`);
  t.teardown(() => handle.close());
  const out: { port?: number } = {};
  handle.getsockname(out);
  if (out.port === undefined) throw new Error('bound socket has no port');
  return { fd: handle.fd, port: out.port };
}
