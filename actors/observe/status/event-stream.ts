/**
 * Server-sent events for the status page: each client gets the whole view when it connects,
 * then the whole view again after changes, at most once per `interval` after one that matters
 * (a lifecycle event) and once per `routineInterval` after routine ones (a heartbeat moved a
 * worker's snapshot), so a herd of heartbeats is one push a second, not dozens. Nothing is
 * serialised while no client is connected.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface EventStreamOptions {
  /** The payload of one push; called only when someone listens. */
  payload: () => unknown;
  /** The shortest time between pushes after a change that matters, ms (default 250). */
  interval?: number;
  /** The shortest time between pushes after routine changes (heartbeats), ms (default 1000). */
  routineInterval?: number;
  /** A comment line this often keeps proxies from closing an idle stream, ms (default 15000). */
  keepAlive?: number;
}

/**
 * @example
 * const stream = createEventStream({ payload: () => observation.view() });
 * observation.onChange(() => stream.changed());
 * // in a request handler: stream.connect(req, res);
 */
export function createEventStream(options: EventStreamOptions) {
  const interval = options.interval ?? 250;
  const routineInterval = options.routineInterval ?? 1000;
  const clients = new Set<ServerResponse>();
  let timer: NodeJS.Timeout | undefined;
  let timerDue = 0;
  let lastPush = 0;

  const send = (res: ServerResponse, data: string) => res.write(`event: view\ndata: ${data}\n\n`);
  const push = () => {
    timer = undefined;
    lastPush = Date.now();
    const data = JSON.stringify(options.payload());
    for (const res of clients) send(res, data);
  };
  const keepAlive = setInterval(() => {
    for (const res of clients) res.write(': keep-alive\n\n');
  }, options.keepAlive ?? 15_000);
  keepAlive.unref();

  return {
    connect(req: IncomingMessage, res: ServerResponse): void {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Accel-Buffering': 'no',
      });
      res.write('retry: 2000\n\n');
      send(res, JSON.stringify(options.payload()));
      clients.add(res);
      req.socket.setNoDelay(true);
      res.on('close', () => clients.delete(res));
    },
    /** Something changed: push soon, coalesced with whatever else changes meanwhile. */
    changed(routine = false): void {
      if (clients.size === 0) return;
      const due = lastPush + (routine ? routineInterval : interval);
      if (timer !== undefined) {
        if (timerDue <= due) return;
        clearTimeout(timer);
      }
      timerDue = due;
      timer = setTimeout(push, Math.max(0, due - Date.now()));
      timer.unref();
    },
    clientCount: () => clients.size,
    /** Ends every stream; the server's close takes the sockets down. */
    close(): void {
      clearInterval(keepAlive);
      if (timer !== undefined) clearTimeout(timer);
      for (const res of clients) res.destroy();
      clients.clear();
    },
  };
}

export type EventStream = ReturnType<typeof createEventStream>;
