import test, { type ExecutionContext } from 'ava';
import { connect } from 'node:net';
import { within } from '../helpers/wait.ts';
import { proxyV2Header } from '../helpers/proxy-header.ts';
import { app, startCorral } from './corral-process.ts';

const request =
  'GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 6.6.6.6\r\nConnection: close\r\n\r\n';

/** What peer-app.mjs reports, or null when the connection closed without a response. */
interface Seen {
  remoteAddress: string;
  remotePort: number;
  headers: Record<string, string>;
}

async function serve(t: ExecutionContext, ...extra: string[]): Promise<number> {
  const args = [app('peer-app.mjs'), '-w', '1', '-b', '127.0.0.1:0', '--proxy-protocol'];
  const corral = startCorral(t, [...args, ...extra]);
  const port = await corral.port();
  await corral.waitFor(/Ready: 1 worker serving/);
  return port;
}

/**
 * Sends the chunks over a raw connection, one write each, and reads until the server closes:
 * the app's answer, or null when the server closed without answering.
 */
function exchange(port: number, chunks: Array<string | Buffer>): Promise<Seen | null> {
  const socket = connect({ host: '127.0.0.1', port });
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('connect', () => void writeInTurn(socket, chunks));
  const closed = new Promise<Seen | null>((resolve) => {
    // A reset is one way of closing without an answer.
    socket.on('error', () => undefined);
    socket.once('close', () => {
      const body = text.split('\r\n\r\n')[1];
      resolve(text.startsWith('HTTP/1.1 200') && body ? (JSON.parse(body) as Seen) : null);
    });
  });
  return within(closed, 'the server to answer and close').finally(() => socket.destroy());
}

async function writeInTurn(
  socket: ReturnType<typeof connect>,
  chunks: Array<string | Buffer>,
): Promise<void> {
  for (const chunk of chunks) {
    // Each chunk its own packet, so the reader must put a header together from pieces.
    await new Promise<void>((resolve) => socket.write(chunk, () => resolve()));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test.serial('v1 and v2 headers set the client address the app sees', async (t) => {
  const port = await serve(t);
  const v1 = await exchange(port, [`PROXY TCP4 203.0.113.7 127.0.0.1 5555 80\r\n${request}`]);
  t.like(v1, { remoteAddress: '203.0.113.7', remotePort: 5555 });
  const v2 = proxyV2Header({ source: '198.51.100.20', port: 61000, tlvs: Buffer.from([4, 0, 0]) });
  t.like(await exchange(port, [v2, request]), {
    remoteAddress: '198.51.100.20',
    remotePort: 61000,
  });
  const v6 = proxyV2Header({ source: '2001:db8::42', port: 443 });
  t.like(await exchange(port, [Buffer.concat([v6, Buffer.from(request)])]), {
    remoteAddress: '2001:db8::42',
    remotePort: 443,
  });
  const v1v6 = 'PROXY TCP6 2001:db8::7 ::1 40000 443\r\n';
  t.like(await exchange(port, [v1v6, request]), { remoteAddress: '2001:db8::7' });
});

test.serial('a header that arrives byte by byte is put together', async (t) => {
  const port = await serve(t);
  const header = proxyV2Header({ source: '192.0.2.1', port: 1234 });
  const bytes = [...header].map((byte) => Buffer.from([byte]));
  t.like(await exchange(port, [...bytes, request]), { remoteAddress: '192.0.2.1' });
});

test.serial('LOCAL and UNKNOWN keep the connected peer', async (t) => {
  const port = await serve(t);
  t.like(await exchange(port, [proxyV2Header({ command: 'local' }), request]), {
    remoteAddress: '127.0.0.1',
  });
  t.like(await exchange(port, [`PROXY UNKNOWN\r\n${request}`]), { remoteAddress: '127.0.0.1' });
});

test.serial('a malformed header, or none, closes the connection unanswered', async (t) => {
  const port = await serve(t);
  t.is(await exchange(port, [`PROXY TCP4 203.0.113.7 nonsense\r\n${request}`]), null);
  t.is(await exchange(port, [request]), null);
  t.is(await exchange(port, [Buffer.from('0d0a0d0a000d0a515549540a9911', 'hex'), request]), null);
  // The worker carries on serving.
  t.like(await exchange(port, [`PROXY UNKNOWN\r\n${request}`]), { remoteAddress: '127.0.0.1' });
});

test.serial('a peer not in --proxy-allow-from is refused even with a valid header', async (t) => {
  const port = await serve(t, '--proxy-allow-from', '10.0.0.0/8, ::1');
  t.is(await exchange(port, [`PROXY TCP4 203.0.113.7 127.0.0.1 5555 80\r\n${request}`]), null);
});

test.serial(
  'forwarded headers are trusted by the connected proxy, not the named client',
  async (t) => {
    // The proxy at 127.0.0.1 is not trusted; that the header names a trusted client changes nothing.
    const port = await serve(t, '--forwarded-allow-ips', '203.0.113.7');
    const seen = await exchange(port, [`PROXY TCP4 203.0.113.7 127.0.0.1 5555 80\r\n${request}`]);
    t.like(seen, { remoteAddress: '203.0.113.7' });
    t.false('x-forwarded-for' in (seen?.headers ?? {}));
  },
);

test.serial('a peer that never sends the header is closed after the headers timeout', async (t) => {
  const port = await serve(t, '--headers-timeout', '1');
  t.is(await exchange(port, []), null);
});
