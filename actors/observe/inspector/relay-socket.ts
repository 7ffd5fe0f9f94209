/**
 * A WebSocket connection to the inspector's relay that the master can forget about: it
 * reconnects on its own (after 0.5 s, doubling to every 5 s), and neither its socket nor its
 * timers keep the event loop alive, so a relay that never answers can never hold the master up.
 * `stop()` closes it and leaves nothing behind.
 *
 * @example
 * const socket = createRelaySocket({ url, onOpen: flush, onDown: warn });
 * socket.start();
 * if (socket.isOpen) socket.send(text);
 * await socket.stop();
 */
import net from 'node:net';
import tls from 'node:tls';
import WebSocket from 'ws';

export interface RelaySocketOptions {
  url: string;
  /** Each time a connection opens. */
  onOpen(): void;
  /** Each failed attempt or lost connection, with why and when the next attempt is. */
  onDown(reason: string, wasOpen: boolean, retryMs: number): void;
  /** Longest wait between attempts (default 5000 ms). */
  maxRetryMs?: number;
}

const FIRST_RETRY_MS = 500;
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** How long `stop()` lets the closing handshake run before it cuts the connection. */
const CLOSE_GRACE_MS = 300;
/** Bytes written but not yet sent past which new messages are dropped: a relay that reads slowly. */
export const MAX_BUFFERED_BYTES = 8 << 20;

export function createRelaySocket(options: RelaySocketOptions) {
  const maxRetryMs = options.maxRetryMs ?? 5000;
  let socket: WebSocket | undefined;
  let retry: NodeJS.Timeout | undefined;
  let attempts = 0;
  let stopped = false;

  function connect(): void {
    let ws: WebSocket;
    try {
      ws = open();
    } catch (error) {
      return options.onDown(String(error), false, scheduleRetry());
    }
    socket = ws;
    let wasOpen = false;
    let reason = 'closed';
    ws.on('open', () => {
      wasOpen = true;
      attempts = 0;
      options.onOpen();
    });
    ws.on('error', (error) => (reason = error.message));
    ws.on('close', (code) => {
      if (socket === ws) socket = undefined;
      if (stopped) return;
      const why = wasOpen ? `connection closed (code ${code})` : reason;
      options.onDown(why, wasOpen, scheduleRetry());
    });
    // The relay echoes other clients' messages; nothing it says concerns us.
    ws.on('message', () => {});
  }

  function open(): WebSocket {
    return new WebSocket(options.url, {
      // ws only ever calls it with an options object; the type names net's every overload.
      createConnection: unrefConnection(options.url) as typeof net.createConnection,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      perMessageDeflate: false,
      maxPayload: 1 << 20,
    });
  }

  /** Returns the delay chosen. */
  function scheduleRetry(): number {
    const delay = Math.min(maxRetryMs, FIRST_RETRY_MS * 2 ** attempts);
    attempts += 1;
    retry = setTimeout(connect, delay);
    retry.unref();
    return delay;
  }

  return {
    start(): void {
      if (!stopped && socket === undefined && retry === undefined) connect();
    },
    get isOpen(): boolean {
      return socket?.readyState === WebSocket.OPEN;
    },
    /** Sends when open and not backed up; returns whether it did. */
    send(text: string): boolean {
      if (socket?.readyState !== WebSocket.OPEN) return false;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) return false;
      socket.send(text);
      return true;
    },
    /** Resolves within CLOSE_GRACE_MS, the connection gone either way. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(retry);
      const ws = socket;
      socket = undefined;
      if (ws === undefined) return;
      if (ws.readyState !== WebSocket.OPEN) return ws.terminate();
      await new Promise<void>((resolve) => {
        const cut = setTimeout(() => {
          ws.terminate();
          resolve();
        }, CLOSE_GRACE_MS);
        cut.unref();
        ws.once('close', () => {
          clearTimeout(cut);
          resolve();
        });
        ws.close(1001, 'corral is stopping');
      });
    },
  };
}

export type RelaySocket = ReturnType<typeof createRelaySocket>;

/** ws's own connect functions, with the socket unref'd before it connects. */
function unrefConnection(url: string) {
  const secure = new URL(url).protocol === 'wss:';
  return (connectOptions: net.NetConnectOpts & tls.ConnectionOptions & { socketPath?: string }) => {
    const socket = secure
      ? tls.connect({
          ...connectOptions,
          servername:
            connectOptions.servername ??
            (net.isIP(connectOptions.host ?? '') ? '' : connectOptions.host),
        })
      : net.connect({ ...connectOptions, path: connectOptions.socketPath } as net.NetConnectOpts);
    socket.unref();
    return socket;
  };
}
