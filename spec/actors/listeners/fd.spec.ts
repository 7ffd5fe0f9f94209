import test, { type ExecutionContext } from 'ava';
import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindListeners } from '../../../actors/listeners/bind-listeners.ts';
import { adoptFd } from '../../../actors/listeners/fd.ts';
import { bindServerHandle, type ServerHandle } from '../../../actors/listeners/server-handle.ts';
import { BindError } from '../../../errors.ts';
import { parseAddress } from '../../../settings/parse-address.ts';

// Sockets bound here stand for ones a parent process or systemd passed: once adopted, only the
// listener closes them (the handle that bound them is left alone, or the fd would close twice).

const thisFile = fileURLToPath(import.meta.url);

function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-fd-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function bound(target: Parameters<typeof bindServerHandle>[0]): ServerHandle {
  const handle = bindServerHandle(target);
  if (typeof handle === 'number') throw new Error(`bind failed: ${handle}`);
  return handle;
}

test.serial('a bound TCP socket is adopted with the address getsockname reports', async (t) => {
  const handle = bound({ host: '127.0.0.1', port: 0, family: 4 });
  const port = (() => {
    const out: { port?: number } = {};
    handle.getsockname(out);
    return out.port!;
  })();
  const { listener, name } = adoptFd({ fd: handle.fd, label: `fd://${handle.fd}` });
  t.teardown(() => listener.close());
  t.is(listener.url, `http://127.0.0.1:${port}`);
  t.deepEqual(listener.address, { kind: 'fd', fd: handle.fd });
  t.deepEqual(name, { host: '127.0.0.1', port });
  t.is(listener.activation, undefined);
});

test.serial('a bound unix socket: its path from /proc, and closing never removes the file', (t) => {
  const path = join(tempDir(t), 'app.sock');
  const handle = bound({ path });
  const { listener } = adoptFd({ fd: handle.fd, label: 'x', activation: { name: 'web' } });
  t.is(listener.url, `unix:${path}`);
  t.deepEqual(listener.activation, { name: 'web' });
  listener.close();
  listener.close();
  t.true(existsSync(path), 'the socket file belongs to whoever passed the fd');
});

test.serial('an fd that is not open is refused, naming the address', (t) => {
  const fd = openSync(thisFile, 'r');
  closeSync(fd);
  const error = t.throws(() => adoptFd({ fd, label: `fd://${fd}` }), { instanceOf: BindError });
  t.is(error.message, `cannot listen at fd://${fd}: file descriptor ${fd} is not open`);
  t.is(error.exitCode, 1);
});

test.serial('a regular file is refused and left open', (t) => {
  const fd = openSync(thisFile, 'r');
  t.teardown(() => closeSync(fd));
  const error = t.throws(() => adoptFd({ fd, label: `fd://${fd}` }), { instanceOf: BindError });
  t.regex(error.message, new RegExp(`file descriptor ${fd} is a regular file, not a socket`));
  t.true(fstatSync(fd).isFile(), 'the fd is still open');
});

test.serial('one fd listed twice is refused before anything is adopted', async (t) => {
  const handle = bound({ host: '127.0.0.1', port: 0, family: 4 });
  t.teardown(() => handle.close());
  const address = `fd://${handle.fd}`;
  await t.throwsAsync(bindListeners([address, address].map(parseAddress)), {
    instanceOf: BindError,
    message: `cannot listen at ${address}: listed more than once`,
  });
});

test.serial('an fd:// socket and a bound address on the same port are an overlap', async (t) => {
  const handle = bound({ host: '127.0.0.1', port: 0, family: 4 });
  const out: { port?: number } = {};
  handle.getsockname(out);
  // bindListeners closes the adopted listener when it fails, which closes this fd.
  const error = await t.throwsAsync(
    bindListeners([`fd://${handle.fd}`, `127.0.0.1:${out.port}`].map(parseAddress)),
    { instanceOf: BindError },
  );
  t.regex(error.message, new RegExp(`overlaps with http://127\\.0\\.0\\.1:${out.port}`));
});
