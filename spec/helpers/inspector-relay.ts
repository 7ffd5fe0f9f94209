/**
 * A real WebSocket server on 127.0.0.1 standing in for the Stately inspector's relay: it keeps
 * every message its clients send, parsed, and can go away and come back on the same port.
 * Closed in teardown.
 *
 * @example
 * const relay = await startRelay(t);
 * await relay.waitFor((m) => m.type === '@xstate.actor' && m.name === 'worker-1', 'worker-1');
 */
import type { ExecutionContext } from 'ava';
import { WebSocketServer } from 'ws';
import { DEADLINE_MS } from './wait.ts';

/** The fields of `@statelyai/inspect`'s messages the specs read. */
export interface RelayMessage {
  type: string;
  sessionId: string;
  name?: string;
  parentId?: string;
  rootId?: string;
  definition?: string;
  event?: { type: string };
  snapshot?: { status?: string; value?: unknown };
}

export interface Relay {
  port: number;
  url: string;
  /** Every message received since the relay (last) started. */
  messages: RelayMessage[];
  waitFor(match: (message: RelayMessage) => boolean, what: string): Promise<RelayMessage>;
  /** Drops every client and stops listening. */
  close(): Promise<void>;
  /** Listens again on the same port, with an empty message list. */
  reopen(): Promise<void>;
}

export async function startRelay(t: ExecutionContext, port = 0): Promise<Relay> {
  let server: WebSocketServer | undefined;
  const waiters = new Set<() => void>();
  const relay: Relay = {
    port,
    url: '',
    messages: [],
    waitFor: (match, what) => waitForMessage(relay, waiters, match, what),
    async close() {
      const closing = server;
      server = undefined;
      if (closing === undefined) return;
      for (const client of closing.clients) client.terminate();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
    async reopen() {
      await relay.close();
      relay.messages = [];
      server = await listen(relay.port, (message) => {
        relay.messages.push(message);
        for (const wake of waiters) wake();
      });
    },
  };
  t.teardown(() => relay.close());
  await relay.reopen();
  relay.port = (server!.address() as { port: number }).port;
  relay.url = `ws://127.0.0.1:${relay.port}`;
  return relay;
}

function listen(port: number, onMessage: (message: RelayMessage) => void) {
  return new Promise<WebSocketServer>((resolve, reject) => {
    const server = new WebSocketServer({ host: '127.0.0.1', port });
    server.once('error', reject);
    server.once('listening', () => resolve(server));
    server.on('connection', (socket) => {
      socket.on('message', (data) => onMessage(JSON.parse(String(data)) as RelayMessage));
    });
  });
}

function waitForMessage(
  relay: Relay,
  waiters: Set<() => void>,
  match: (message: RelayMessage) => boolean,
  what: string,
): Promise<RelayMessage> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = relay.messages.find(match);
      if (found === undefined) return;
      finish();
      resolve(found);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`the relay got no ${what}; it got ${relay.messages.length} messages`));
    }, DEADLINE_MS);
    const finish = () => {
      clearTimeout(timer);
      waiters.delete(check);
    };
    waiters.add(check);
    check();
  });
}

/** A port that was bound and closed again: nothing listens there. */
export async function closedPort(): Promise<number> {
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
