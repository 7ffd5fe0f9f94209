/**
 * corral under the real `systemd-socket-activate` (Debian's systemd package): the tool listens,
 * waits for the first connection, then execs corral with LISTEN_FDS and LISTEN_PID set, so the
 * spec's first request starts corral and is answered once a worker listens. The tool binds a
 * fixed port, so a free one is picked first, and picked again if someone took it meanwhile.
 */
import type { ExecutionContext } from 'ava';
import { once } from 'node:events';
import { createServer } from 'node:net';
import {
  startCorral,
  type CorralProcess,
  type StartOptions,
} from '../integration/corral-process.ts';

export const SOCKET_ACTIVATE = 'systemd-socket-activate';

/** A TCP port on 127.0.0.1 that nothing listened on a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * corral under the tool, on a free TCP port (fd 3), with `toolArgs` (more `-l` addresses,
 * `--fdname`, `-E`) before the `--`.
 *
 * @example
 * const { corral, port } = await startActivated(t, [app('pid-app.mjs')], ['--fdname=web']);
 */
export async function startActivated(
  t: ExecutionContext,
  corralArgs: string[],
  toolArgs: string[] = [],
  options: Omit<StartOptions, 'wrap'> = {},
): Promise<{ corral: CorralProcess; port: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const wrap = [SOCKET_ACTIVATE, '-l', `127.0.0.1:${port}`, ...toolArgs, '--'];
    const corral = startCorral(t, corralArgs, { ...options, wrap });
    try {
      await corral.waitFor(new RegExp(`Listening on 127\\.0\\.0\\.1:${port} as 3\\.`));
      return { corral, port };
    } catch (error) {
      if (attempt < 5 && /Address already in use/.test(corral.output())) continue;
      throw error;
    }
  }
}
