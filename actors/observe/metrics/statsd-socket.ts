/**
 * Where statsd datagrams go: UDP to `HOST:PORT` (the host resolved once, at start), or a unix
 * datagram socket at `unix:PATH`, sent with corral's native addon because Node's `dgram` has no
 * unix datagram sockets (the same send systemd's notify protocol uses).
 *
 * statsd is lossy by design: a send that fails (no listener, a full queue) drops the datagram
 * and warns once per kind of error; it never throws and never keeps the master alive.
 *
 * @example
 * const socket = await openStatsdSocket('127.0.0.1:8125', { log });
 * socket.send(Buffer.from('myapp.requests:3|c'));
 * await socket.close();
 */
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { resolve } from 'node:path';
import { getSystemErrorName } from 'node:util';
import { CorralError } from '../../../errors.ts';
import { ExitCode } from '../../../protocol/exit-codes.ts';
import { checkAddress, formatAddress } from '../../../settings/parse-address.ts';
import { loadNativeAddon, type AddonLoad } from '../../native-addon.ts';
import type { LogSink } from '../../supervision-log.ts';

/**
 * `--statsd-host` names a host that does not resolve, or a unix socket corral cannot send to.
 * TODO(lead): belongs in errors.ts with a row in docs/errors.md (see the statsd report).
 */
export class StatsdHostError extends CorralError {
  readonly code = 'ECORRAL_STATSD_HOST';
  readonly exitCode = ExitCode.Error;
  override readonly name = 'StatsdHostError';
}

export interface StatsdSocket {
  /** Where it sends, as a person would write it: `127.0.0.1:8125`, `unix:/run/statsd.sock`. */
  readonly address: string;
  send(datagram: Buffer): void;
  /** Waits (briefly) for the sends under way, then closes. */
  close(): Promise<void>;
}

export interface StatsdSocketOptions {
  log: Pick<LogSink, 'warn'>;
  /** Loads the native addon; specs pass one that fails. */
  load?: () => AddonLoad;
}

/** How long close() waits for UDP sends still queued in libuv. */
const DRAIN_MS = 500;

export async function openStatsdSocket(
  setting: string,
  options: StatsdSocketOptions,
): Promise<StatsdSocket> {
  const check = checkAddress(setting);
  if (!check.ok || check.address.kind === 'fd') {
    throw new StatsdHostError(`--statsd-host ${setting}: not HOST:PORT or unix:PATH`);
  }
  const address = check.address;
  if (address.kind === 'unix') return unixSocket(resolve(address.path), options);
  if (address.port === 0) throw new StatsdHostError(`--statsd-host ${setting}: port 0`);
  const ip = await lookup(address.host, { family: address.family }).then(
    (found) => found.address,
    (error: NodeJS.ErrnoException) => {
      throw new StatsdHostError(
        `--statsd-host ${setting}: cannot resolve '${address.host}' (${error.code ?? error.message})`,
        { cause: error },
      );
    },
  );
  return udpSocket(formatAddress(address), ip, address.port, address.family, options);
}

function warnOnce(options: StatsdSocketOptions, address: string) {
  const seen = new Set<string>();
  return (code: string) => {
    if (seen.has(code)) return;
    seen.add(code);
    options.log.warn(
      `Could not send statsd metrics to ${address}: ${code} (warned once; metrics are dropped while it lasts)`,
    );
  };
}

async function udpSocket(
  address: string,
  ip: string,
  port: number,
  family: 4 | 6,
  options: StatsdSocketOptions,
): Promise<StatsdSocket> {
  const warn = warnOnce(options, address);
  const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
  socket.on('error', (error: NodeJS.ErrnoException) => warn(error.code ?? error.message));
  // Bound now, so the first send does not wait for an implicit bind; a statsd socket must not
  // keep a master on its way out alive.
  await new Promise<void>((done) => socket.bind(0, done));
  socket.unref();
  let pending = 0;
  let drained: (() => void) | undefined;
  return {
    address,
    send(datagram) {
      pending += 1;
      socket.send(datagram, port, ip, (error) => {
        pending -= 1;
        if (error) warn((error as NodeJS.ErrnoException).code ?? error.message);
        if (pending === 0) drained?.();
      });
    },
    async close() {
      if (pending > 0) await drainOrTimeout((done) => (drained = done));
      await new Promise<void>((done) => socket.close(() => done()));
    },
  };
}

function drainOrTimeout(register: (done: () => void) => void): Promise<void> {
  return new Promise<void>((done) => {
    const timer = setTimeout(done, DRAIN_MS);
    timer.unref();
    register(() => {
      clearTimeout(timer);
      done();
    });
  });
}

function unixSocket(path: string, options: StatsdSocketOptions): StatsdSocket {
  const address = `unix:${path}`;
  const load = (options.load ?? loadNativeAddon)();
  if (load.addon === null) {
    throw new StatsdHostError(
      `--statsd-host ${address}: sending to a unix socket needs corral's native addon: ${load.reason}`,
    );
  }
  const { addon } = load;
  const warn = warnOnce(options, address);
  let closed = false;
  return {
    address,
    send(datagram) {
      if (closed) return;
      const errno = addon.notify(path, datagram);
      if (errno !== 0) warn(getSystemErrorName(-errno));
    },
    async close() {
      closed = true;
    },
  };
}
