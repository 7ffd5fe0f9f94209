// --limit-request-line, --limit-request-fields and --limit-request-field-size at Gunicorn's
// defaults, each at its boundary over a raw socket: exactly the limit reaches the app, one byte
// or field more is answered (414 or 431, Connection: close) and the app never sees it. A header
// block past Node's own maximum gets 431 from the parser's side.
import test, { type ExecutionContext } from 'ava';
import type { WorkerHttpConfig } from '../../../protocol/worker-boot.ts';
import { bindSocket } from '../../helpers/bound-socket.ts';
import { exchange, type RawReply } from '../../helpers/raw-exchange.ts';
import { waitUntil } from '../../helpers/wait.ts';
import { defaultHttpConfig, startWorker, type WorkerHandle } from '../../helpers/worker-harness.ts';

const LINE = 4094;
const FIELDS = 100;
const FIELD_SIZE = 8190;

/** A request whose line is `lineLength` bytes (without CRLF), with the given extra fields. */
function request(lineLength: number, fields: string[] = []): string {
  const target = `/${'a'.repeat(lineLength - 'GET / HTTP/1.1'.length)}`;
  return [`GET ${target} HTTP/1.1`, 'Host: x', ...fields, 'Connection: close', '', ''].join('\r\n');
}

/** `count` fields in all, Host and Connection included. */
function fieldsInAll(count: number): string[] {
  return Array.from({ length: count - 2 }, (_, i) => `X-F${i}: v`);
}

/** One field whose line, `Name: value` and its CRLF, is `size` bytes, as Gunicorn counts it. */
function fieldOfSize(size: number): string[] {
  return [`X-Pad: ${'p'.repeat(size - 'X-Pad: \r\n'.length)}`];
}

async function served(t: ExecutionContext, worker: WorkerHandle, reply: RawReply, what: string) {
  t.is(reply.status, 200, what);
  await waitUntil(() => worker.stdout().includes('ended GET'), `the app to end ${what}`);
}

function refused(t: ExecutionContext, reply: RawReply, status: number, what: string) {
  t.is(reply.status, status, what);
  t.true(reply.closes, `${what}: Connection: close`);
}

test.serial('each request limit: exactly the limit passes, one more is refused', async (t) => {
  t.timeout(60_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket, { app: 'recording-app.mjs' });
  await worker.waitForMessage('ready');
  const port = socket.port;

  await served(t, worker, await exchange(port, request(LINE)), 'a request line at the limit');
  await served(t, worker, await exchange(port, request(40, fieldsInAll(FIELDS))), 'max fields');
  await served(t, worker, await exchange(port, request(40, fieldOfSize(FIELD_SIZE))), 'max size');
  const calls = worker.stdout().match(/^called /gm)?.length;
  t.is(calls, 3);

  refused(t, await exchange(port, request(LINE + 1)), 414, 'a request line one byte over');
  refused(t, await exchange(port, request(40, fieldsInAll(FIELDS + 1))), 431, 'one field more');
  refused(t, await exchange(port, request(40, fieldOfSize(FIELD_SIZE + 1))), 431, 'one byte more');
  const huge = fieldsInAll(40).map((field) => `${field}${'h'.repeat(1000)}`);
  refused(t, await exchange(port, request(40, huge)), 431, "past Node's header block limit");

  await served(t, worker, await exchange(port, request(20)), 'a request after the refusals');
  t.is(worker.stdout().match(/^called /gm)?.length, 4, 'no refused request reached the app');
  t.regex(worker.stderr(), /Invalid request from ip=127\.0\.0\.1: request line of 4095 bytes/);
});

test.serial('a limit of 0 leaves only Node’s own limits', async (t) => {
  t.timeout(60_000);
  const socket = bindSocket(t);
  const http: WorkerHttpConfig = {
    ...defaultHttpConfig,
    limitRequestLine: 0,
    limitRequestFields: 0,
    limitRequestFieldSize: 0,
  };

  const worker = startWorker(t, socket, { app: 'recording-app.mjs', http });
  await worker.waitForMessage('ready');

  const reply = await exchange(socket.port, request(LINE + 1, fieldOfSize(FIELD_SIZE + 1)));
  await served(t, worker, reply, 'over every corral limit, under Node’s');
});
