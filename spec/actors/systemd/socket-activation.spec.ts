import test from 'ava';
import { BindError } from '../../../errors.ts';
import { parseAddress } from '../../../settings/parse-address.ts';
import { listenerOrigin, takeSocketActivation } from '../../../actors/systemd/socket-activation.ts';
import type { BoundListener } from '../../../actors/listeners/bind-listeners.ts';
import { bindChanged, handoffEnv, takeHandoff } from '../../../actors/upgrade/handoff.ts';

const self = { pid: 4242, ppid: 4000 };
const PID = self.pid;

function quiet() {
  const lines: string[] = [];
  const push = (line: string) => void lines.push(line);
  return { lines, log: { debug: push, warn: push } };
}

test('LISTEN_PID naming this process: LISTEN_FDS sockets from fd 3, named by LISTEN_FDNAMES', (t) => {
  const env = { LISTEN_PID: String(PID), LISTEN_FDS: '2', LISTEN_FDNAMES: 'web:admin', HOME: '/' };
  t.deepEqual(takeSocketActivation(env, quiet().log, self), [
    { fd: 3, name: 'web' },
    { fd: 4, name: 'admin' },
  ]);
  t.deepEqual(env, { HOME: '/' }, 'the variables are gone, so workers cannot misread them');
});

test('names that do not match the count name nothing', (t) => {
  const env = { LISTEN_PID: String(PID), LISTEN_FDS: '2', LISTEN_FDNAMES: 'web' };
  t.deepEqual(takeSocketActivation(env, quiet().log, self), [
    { fd: 3, name: undefined },
    { fd: 4, name: undefined },
  ]);
});

test('LISTEN_PID naming another process: ignored (debug line), and still unset', (t) => {
  const env = { LISTEN_PID: '1', LISTEN_FDS: '1', LISTEN_FDNAMES: 'web' };
  const { lines, log } = quiet();
  t.is(takeSocketActivation(env, log, self), null);
  t.deepEqual(env, {});
  t.regex(lines.join('\n'), /ignoring LISTEN_FDS=1: LISTEN_PID=1 is not this process \(4242\)/);
});

test('LISTEN_PID naming the parent (corral run by npx under systemd): ignored with a warning', (t) => {
  const { lines, log } = quiet();
  t.is(takeSocketActivation({ LISTEN_PID: '4000', LISTEN_FDS: '1' }, log, self), null);
  t.regex(lines.join('\n'), /LISTEN_PID=4000 is corral's parent process, not corral \(4242\)/);
});

test('no variables, no LISTEN_PID, or LISTEN_FDS=0: no activation', (t) => {
  t.is(takeSocketActivation({}, quiet().log, self), null);
  t.is(takeSocketActivation({ LISTEN_FDS: '1' }, quiet().log, self), null);
  t.is(takeSocketActivation({ LISTEN_PID: String(PID), LISTEN_FDS: '0' }, quiet().log, self), null);
});

test('LISTEN_PID naming this process with a LISTEN_FDS that is not a count is a BindError', (t) => {
  for (const fds of ['two', '-1', '', undefined]) {
    const env: NodeJS.ProcessEnv = { LISTEN_PID: String(PID), LISTEN_FDS: fds };
    const error = t.throws(() => takeSocketActivation(env, quiet().log, self), {
      instanceOf: BindError,
    });
    t.regex(error.message, /the sockets from systemd: LISTEN_FDS='.*' is not a number/);
    t.is(error.exitCode, 1);
  }
});

test('a USR2 handoff carries the activation mark, so the new master knows bind is unused', (t) => {
  const env: NodeJS.ProcessEnv = handoffEnv(7, [
    { address: parseAddress('fd://3'), url: 'http://127.0.0.1:8000', activation: { name: 'web' } },
    { address: parseAddress('fd://4'), url: 'unix:/run/a.sock', activation: { name: undefined } },
  ]);
  const handoff = takeHandoff(env)!;
  t.deepEqual(handoff.sockets, [
    { fd: 3, bind: 'fd://3', url: 'http://127.0.0.1:8000', activation: { name: 'web' } },
    { fd: 4, bind: 'fd://4', url: 'unix:/run/a.sock', activation: {} },
  ]);
  t.false(bindChanged(handoff, ['127.0.0.1:8000']));
});

test('a USR2 handoff of fd:// sockets compares bind as for any other address', (t) => {
  const env = handoffEnv(7, [{ address: parseAddress('fd://5'), url: 'http://127.0.0.1:1' }]);
  const handoff = takeHandoff(env)!;
  t.deepEqual(handoff.sockets, [{ fd: 3, bind: 'fd://5', url: 'http://127.0.0.1:1' }]);
  t.false(bindChanged(handoff, ['fd://5']));
  t.true(bindChanged(handoff, ['fd://6']));
});

test('the Listening at: line says where a socket came from', (t) => {
  const listener = (over: Partial<BoundListener>): BoundListener => ({
    address: parseAddress('fd://3'),
    url: 'http://127.0.0.1:8000',
    fd: 3,
    close() {},
    release() {},
    ...over,
  });
  t.is(
    listenerOrigin(listener({ activation: { name: 'web.socket' } })),
    ', from systemd socket activation (fd 3, web.socket)',
  );
  t.is(
    listenerOrigin(listener({ activation: { name: undefined } })),
    ', from systemd socket activation (fd 3)',
  );
  t.is(listenerOrigin(listener({})), ', from fd://3');
  t.is(listenerOrigin(listener({}), true), '', 'after an upgrade fd://N names the old fd');
  t.is(listenerOrigin(listener({ address: parseAddress('127.0.0.1:8000') })), '');
});
