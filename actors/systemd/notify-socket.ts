/**
 * The sending end of systemd's notify protocol: datagrams to `$NOTIFY_SOCKET`, a unix socket
 * path or an abstract name written `@name`, sent with corral's native addon because Node core
 * has no unix datagram sockets (docs/systemd.md says why this transport).
 *
 * Sending never blocks the master's event loop. A full queue at the receiving end (EAGAIN; the
 * kernel's default `net.unix.max_dgram_qlen` is small) keeps the message, and the ones after
 * it, in order, and tries again shortly; any other error drops the message and warns once.
 */
import { getSystemErrorName } from 'node:util';
import { loadNativeAddon, type AddonLoad, type NativeAddon } from '../native-addon.ts';
import type { LogSink } from '../supervision-log.ts';

/** The variables systemd sets for the main process, which corral's workers do not get. */
export const SYSTEMD_NOTIFY_ENV = ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID'] as const;

export interface NotifySocket {
  readonly address: string;
  /** Queues one datagram (`KEY=VALUE` lines) and sends it as soon as the socket takes it. */
  send(message: string): void;
  /** Stops retrying; whatever the socket has not taken by now is dropped. */
  close(): void;
}

export interface NotifySocketOptions {
  log: Pick<LogSink, 'warn'>;
  /** Where `NOTIFY_SOCKET` is read; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  /** Loads the addon; specs pass one that fails. */
  load?: () => AddonLoad;
  retryMs?: number;
}

const EAGAIN = 11;
const MAX_RETRIES = 50;

/**
 * Null, quietly, when `NOTIFY_SOCKET` is unset (not started by systemd); null with a warning
 * when it is set but cannot be used.
 *
 * @example
 * const socket = openNotifySocket({ log });
 * socket?.send('READY=1\nSTATUS=2 workers serving');
 */
export function openNotifySocket(options: NotifySocketOptions): NotifySocket | null {
  const address = (options.env ?? process.env).NOTIFY_SOCKET;
  if (address === undefined || address === '') return null;
  if (!address.startsWith('/') && !address.startsWith('@')) {
    options.log.warn(
      `NOTIFY_SOCKET=${address} is neither a unix socket path nor an @abstract name; corral will not notify systemd`,
    );
    return null;
  }
  const load = (options.load ?? loadNativeAddon)();
  if (load.addon === null) {
    options.log.warn(
      `NOTIFY_SOCKET is set, but corral cannot notify systemd without its native addon: ${load.reason}`,
    );
    return null;
  }
  return datagramQueue(address, load.addon, options);
}

function datagramQueue(
  address: string,
  addon: NativeAddon,
  options: NotifySocketOptions,
): NotifySocket {
  const pending: Buffer[] = [];
  const warned = new Set<number>();
  let retry: ReturnType<typeof setTimeout> | undefined;
  let retries = 0;
  const flush = () => {
    retry = undefined;
    for (let next = pending[0]; next !== undefined; next = pending[0]) {
      const errno = addon.notify(address, next);
      if (errno === EAGAIN && retries < MAX_RETRIES) {
        retries += 1;
        retry = setTimeout(flush, options.retryMs ?? 100);
        // A master on its way out does not wait for systemd.
        retry.unref();
        return;
      }
      retries = 0;
      pending.shift();
      if (errno !== 0 && !warned.has(errno)) {
        warned.add(errno);
        options.log.warn(
          `Could not notify systemd at ${address}: ${getSystemErrorName(-errno)} (dropped: ${firstLine(next)})`,
        );
      }
    }
  };
  return {
    address,
    send(message) {
      pending.push(Buffer.from(message));
      if (retry === undefined) flush();
    },
    close() {
      clearTimeout(retry);
      pending.length = 0;
    },
  };
}

function firstLine(message: Buffer): string {
  return message.toString('utf8').split('\n')[0] ?? '';
}

/**
 * The environment without systemd's notify variables: workers must not talk to systemd.
 *
 * @example
 * fork(entry, [], { env: withoutNotifyEnv(process.env) });
 */
export function withoutNotifyEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of SYSTEMD_NOTIFY_ENV) delete copy[name];
  return copy;
}
