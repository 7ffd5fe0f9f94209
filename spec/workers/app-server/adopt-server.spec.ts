// adoptServer: corral's chain in front of the app's own request listeners, upgrades shown to
// corral first, and corral's parser settings written onto a server the app made.
import test, { type ExecutionContext } from 'ava';
import http, { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adoptServer, isHttpServer } from '../../../workers/app/adopt-server.ts';
import { exchange } from '../../helpers/raw-exchange.ts';

const crlf = (...lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

async function listening(t: ExecutionContext, server: http.Server) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => void server.close());
  return (server.address() as AddressInfo).port;
}

test('requests pass through the chain, then reach the app in its own listener', async (t) => {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`app ${req.url}`);
    res.end('app');
  });
  const adopted = adoptServer(server);
  adopted.route(
    (req, res) => {
      seen.push(`chain ${req.url}`);
      adopted.appListener(req, res);
    },
    () => {},
  );
  const port = await listening(t, server);
  const reply = await exchange(port, crlf('GET /a HTTP/1.1', 'Host: x', 'Connection: close'));
  t.regex(reply.text, /\r\n\r\napp$/);
  t.deepEqual(seen, ['chain /a', 'app /a']);
});

test("an upgrade is shown to corral, then handled by the app's listener", async (t) => {
  const server = http.createServer();
  const order: string[] = [];
  server.on('upgrade', (req, socket) => {
    order.push(`app ${req.url}`);
    socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: x\r\n\r\n');
  });
  adoptServer(server).route(
    () => {},
    (req) => order.push(`corral ${req.url}`),
  );
  const port = await listening(t, server);
  const reply = await exchange(
    port,
    crlf('GET /ws HTTP/1.1', 'Host: x', 'Connection: Upgrade', 'Upgrade: x'),
  );
  t.is(reply.status, 101);
  t.deepEqual(order, ['corral /ws', 'app /ws']);
});

test("configure writes corral's limits and request class onto the app's server", async (t) => {
  class Checked extends IncomingMessage {}
  const server = http.createServer({ maxHeaderSize: 65_536 }, (req, res) => {
    res.end(req instanceof Checked ? 'checked' : 'plain');
  });
  const adopted = adoptServer(server);
  adopted.configure({ maxHeaderSize: 1024, headersTimeout: 1234, IncomingMessage: Checked });
  adopted.route(adopted.appListener, () => {});
  t.is(server.headersTimeout, 1234);
  const port = await listening(t, server);
  const fine = await exchange(port, crlf('GET / HTTP/1.1', 'Host: x', 'Connection: close'));
  t.regex(fine.text, /checked$/);
  const big = await exchange(port, crlf('GET / HTTP/1.1', 'Host: x', `X-Big: ${'y'.repeat(2000)}`));
  t.is(big.status, 431);
});

test('isHttpServer tells HTTP servers from other values', (t) => {
  t.true(isHttpServer(http.createServer()));
  t.false(isHttpServer({ listen() {} }));
  t.false(isHttpServer(() => {}));
});
