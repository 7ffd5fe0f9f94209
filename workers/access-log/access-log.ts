/**
 * The access log: one line per request, written by the worker that served it once the response
 * has ended (or the connection closed under it). It is on the hot path, so the format is
 * compiled once, per-request state is one small object, and lines are batched: a batch is
 * written with one `write(2)` within 10 ms, never larger than what lands whole, and flushed
 * before a reopen and at exit, so no line is lost or split.
 */
import { ServerResponse, type IncomingMessage, type RequestListener } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { LogDestination } from '../../logging/log-destination.ts';
import { compileAccessFormat, type AccessFormatter } from './format.ts';

export interface AccessLog {
  /** Wraps the outermost listener: the clock starts as the request arrives. */
  wrap(listener: RequestListener): RequestListener;
  /**
   * Logs an upgraded connection (a WebSocket) when it closes: status 101, the bytes written to
   * it and how long it was open.
   */
  upgraded(req: IncomingMessage, socket: Socket): void;
  /** Writes the lines still batched. */
  flush(): void;
  /** Flushes, then opens the file again (after logrotate renamed it). */
  reopen(): void;
}

interface Tracking {
  start: number;
  sent: number;
  /** Read at the start for an HTTP/2 stream, whose socket is gone by its end. */
  peer: string | undefined;
}

// A WeakMap, not a property on the response: adding one to every response would give Node's
// ServerResponse objects a second shape and slow every http internal that touches them. (A Map
// with a delete on 'close' measured no better.)
const tracked = new WeakMap<ServerResponse, Tracking>();

/**
 * @example
 * const access = createAccessLog(openLogDestination('-', 'stdout'), config.http.accessLogformat);
 * server.on('request', access.wrap(app));
 */
export function createAccessLog(destination: LogDestination, format: string): AccessLog {
  countSentBytes(ServerResponse.prototype as unknown as Writes);
  const batch = createLineBatch(destination);
  const formatLine = compileAccessFormat(format);
  function onClose(this: ServerResponse): void {
    const tracking = tracked.get(this);
    if (tracking !== undefined) batch.push(`${lineOf(this, tracking, formatLine)}\n`);
  }
  return {
    wrap: (listener) => (req, res) => {
      let peer: string | undefined;
      // HTTP/2's compatibility response (--http2) is a class of its own, counted once seen.
      if (!(res instanceof ServerResponse)) {
        countSentBytes(Object.getPrototypeOf(res) as Writes, { endWrites: true });
        peer = req.socket.remoteAddress;
      }
      tracked.set(res, { start: performance.now(), sent: 0, peer });
      res.on('close', onClose);
      listener(req, res);
    },
    upgraded(req, socket) {
      const start = performance.now();
      const before = socket.bytesWritten;
      socket.once('close', () => {
        const elapsedMs = performance.now() - start;
        const sent = socket.bytesWritten - before;
        batch.push(`${formatLine({ req, res: SWITCHED, sent, elapsedMs })}\n`);
      });
    },
    flush: batch.flush,
    reopen() {
      batch.flush();
      destination.reopen();
    },
  };
}

function lineOf(res: ServerResponse, tracking: Tracking, formatLine: AccessFormatter): string {
  const elapsedMs = performance.now() - tracking.start;
  return formatLine({ req: res.req, res, sent: tracking.sent, elapsedMs, peer: tracking.peer });
}

/** What the format reads of a response, for a connection that switched protocols. */
const SWITCHED = { statusCode: 101, getHeader: () => undefined } as unknown as ServerResponse;

/** The two methods a response's body goes through, on whichever response class. */
interface Writes {
  write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean;
  end(chunk?: unknown, encoding?: unknown, callback?: unknown): unknown;
}

const counted = new WeakSet<Writes>();

/**
 * Counts the body bytes the app hands to `write` and `end`, as Gunicorn's `resp.sent` does.
 * Patched once on the prototype, in this worker process only: a method assigned to each
 * response would cost the same shape change as a property.
 */
function countSentBytes(prototype: Writes, { endWrites = false } = {}): void {
  if (counted.has(prototype)) return;
  counted.add(prototype);
  const { write, end } = prototype;
  // HTTP/2's compatibility `end(chunk)` hands its chunk to `write`, which counts it already.
  if (endWrites) return void (prototype.write = countingWrite(write));
  prototype.write = countingWrite(write);
  prototype.end = function countingEnd(
    this: ServerResponse,
    chunk?: unknown,
    encoding?: unknown,
    callback?: unknown,
  ) {
    addSent(this, chunk, encoding);
    return end.call(this, chunk, encoding, callback);
  };
}

function countingWrite(write: Writes['write']): Writes['write'] {
  // Fixed arities: a rest parameter would allocate an array on every call.
  return function countingWrite(
    this: ServerResponse,
    chunk: unknown,
    encoding?: unknown,
    callback?: unknown,
  ) {
    addSent(this, chunk, encoding);
    return write.call(this, chunk, encoding, callback);
  };
}

function addSent(res: ServerResponse, chunk: unknown, encoding: unknown): void {
  const tracking = tracked.get(res);
  if (tracking !== undefined) tracking.sent += byteLength(chunk, encoding);
}

function byteLength(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') {
    const named = typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8';
    return Buffer.byteLength(chunk, named);
  }
  return chunk instanceof Uint8Array ? chunk.byteLength : 0;
}

/** The longest a line waits in a batch. */
const BATCH_MS = 10;

interface LineBatch {
  push(line: string): void;
  flush(): void;
}

/**
 * Lines gathered for a few milliseconds and written together: under load that is one write(2)
 * for dozens of requests instead of one each. A batch stays below the destination's atomic
 * size (a character may take three bytes in UTF-8). The timer is unref'd: a worker with nothing
 * else to do exits, and its 'exit' handler writes what is left.
 */
function createLineBatch(destination: LogDestination): LineBatch {
  const limit = Math.floor(destination.atomicBytes / 3);
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending === '') return;
    const lines = pending;
    pending = '';
    destination.write(lines);
  };
  return {
    push(line) {
      if (pending.length + line.length > limit) flush();
      pending += line;
      if (timer === undefined) timer = setTimeout(flush, BATCH_MS).unref();
    },
    flush,
  };
}
