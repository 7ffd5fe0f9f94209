import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindListeners } from '../../../actors/listeners/bind-listeners.ts';
import { adoptListeners } from '../../../actors/listeners/inherited.ts';
import {
  bindChanged,
  FD_ADDRESSES_ENV,
  FDS_ENV,
  handoffEnv,
  takeHandoff,
  UPGRADE_FROM_ENV,
} from '../../../actors/upgrade/handoff.ts';
import { BindError } from '../../../errors.ts';
import { parseAddress } from '../../../settings/parse-address.ts';

// The handoff variables, adopting inherited fds, and giving up sockets without unlinking.

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-upgrade-sockets-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const listenerInherited = new URL('../../../actors/listeners/inherited.ts', import.meta.url).href;

/**
 * Runs adoptListeners in a child that inherits `fd` as its fd 3, as a new master does, then
 * calls `close` or `release` on it; resolves with whether the socket file is there afterwards.
 */
async function adoptInChild(fd: number, bind: string, url: string, then: 'close' | 'release') {
  const code = `
    import { existsSync } from 'node:fs';
    const { adoptListeners } = await import(${JSON.stringify(listenerInherited)});
    const [listener] = adoptListeners([{ fd: 3, bind: ${JSON.stringify(bind)}, url: ${JSON.stringify(url)} }]);
    listener.${then}();
    process.send({ url: listener.url, kind: listener.address.kind, fileAfter: existsSync(${JSON.stringify(bind.slice(5))}) });
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    stdio: ['ignore', 'inherit', 'inherit', fd, 'ipc'],
    cwd: fileURLToPath(new URL('../../../', import.meta.url)),
  });
  const [message] = (await once(child, 'message')) as [
    { url: string; kind: string; fileAfter: boolean },
  ];
  await once(child, 'exit');
  return message;
}

test('handoffEnv names the fds 3, 4, ... with their addresses, and takeHandoff reads and clears them', (t) => {
  const listeners = [
    { address: parseAddress('127.0.0.1:0'), url: 'http://127.0.0.1:43125' },
    { address: parseAddress('unix:/run/app.sock'), url: 'unix:/run/app.sock' },
  ];
  const env: NodeJS.ProcessEnv = { KEEP: 'yes', ...handoffEnv(4242, listeners) };
  t.is(env[UPGRADE_FROM_ENV], '4242');
  t.is(env[FDS_ENV], '3,4');
  t.deepEqual(takeHandoff(env), {
    from: 4242,
    sockets: [
      { fd: 3, bind: '127.0.0.1:0', url: 'http://127.0.0.1:43125' },
      { fd: 4, bind: 'unix:/run/app.sock', url: 'unix:/run/app.sock' },
    ],
  });
  t.deepEqual(env, { KEEP: 'yes' }, 'the variables are gone, so workers do not inherit them');
  t.is(takeHandoff(env), null, 'a master not started by an upgrade');
});

test('a malformed or partial handoff is a BindError naming the variable', (t) => {
  const good = handoffEnv(7, [{ address: parseAddress('127.0.0.1:0'), url: 'http://127.0.0.1:1' }]);
  const cases: [NodeJS.ProcessEnv, RegExp][] = [
    [{ [FDS_ENV]: '3' }, /go together/],
    [{ ...good, [UPGRADE_FROM_ENV]: 'abc' }, /CORRAL_UPGRADE_FROM='abc' is not a pid/],
    [{ ...good, [FDS_ENV]: '3,x' }, /CORRAL_FDS='3,x' is not a list/],
    [{ ...good, [FDS_ENV]: '3,4' }, /does not describe the 2 sockets/],
    [{ ...good, [FD_ADDRESSES_ENV]: '{' }, /CORRAL_FD_ADDRESSES is not JSON/],
  ];
  for (const [env, message] of cases) {
    const error = t.throws(() => takeHandoff(env), { instanceOf: BindError, message });
    t.is(error?.code, 'ECORRAL_BIND');
  }
});

test('bindChanged compares the configured addresses, not the bound ports', (t) => {
  const handoff = {
    from: 1,
    sockets: [{ fd: 3, bind: '127.0.0.1:0', url: 'http://127.0.0.1:43125' }],
  };
  t.false(bindChanged(handoff, ['127.0.0.1:0']));
  t.false(bindChanged(handoff, ['tcp://127.0.0.1:0']));
  t.true(bindChanged(handoff, ['127.0.0.1:8000']));
  t.true(bindChanged(handoff, ['127.0.0.1:0', 'unix:/run/app.sock']));
});

test('adopting an fd that is not open, or not a socket, is a BindError', (t) => {
  const dir = tempDir(t);
  const file = openSync(join(dir, 'plain'), 'w');
  t.teardown(() => closeSync(file));
  const url = 'http://127.0.0.1:1';
  t.throws(() => adoptListeners([{ fd: file, bind: '127.0.0.1:1', url }]), {
    instanceOf: BindError,
    message: new RegExp(`inherited fd ${file} is not a socket`),
  });
  t.throws(() => adoptListeners([{ fd: 1000, bind: '127.0.0.1:1', url }]), {
    instanceOf: BindError,
    message: /inherited fd 1000 is not open/,
  });
});

test.serial(
  'an adopted unix socket leaves its file on release and removes it on close',
  async (t) => {
    const dir = tempDir(t);
    const bind = `unix:${join(dir, 'app.sock')}`;
    const [listener] = await bindListeners([parseAddress(bind)]);
    t.teardown(() => listener!.release());
    const released = await adoptInChild(listener!.fd, bind, bind, 'release');
    t.like(released, { url: bind, kind: 'unix', fileAfter: true });
    const closed = await adoptInChild(listener!.fd, bind, bind, 'close');
    t.false(closed.fileAfter, 'a promoted master removes the socket file it adopted');
  },
);

test.serial(
  'a bound unix socket released (another master serves on it) keeps its file',
  async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'app.sock');
    const [listener] = await bindListeners([parseAddress(`unix:${path}`)]);
    listener!.release();
    t.true(existsSync(path), 'release does not unlink');
    listener!.close();
    t.true(existsSync(path), 'close after release does nothing');
  },
);
