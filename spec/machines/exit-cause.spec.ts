import test from 'ava';
import { exitCause, type ExitFacts } from '../../machines/exit-cause.ts';

const facts = (patch: Partial<ExitFacts> = {}): ExitFacts => ({
  cause: null,
  bootFailure: null,
  ready: true,
  ...patch,
});

test('corral’s own timeout explains the exit whatever signal ended it', (t) => {
  t.is(exitCause(facts({ cause: 'timeout' }), { code: null, signal: 'SIGKILL' }).cause, 'timeout');
  t.is(
    exitCause(facts({ cause: 'boot-timeout', ready: false }), { code: 1, signal: null }).cause,
    'boot-timeout',
  );
});

test('a SIGKILL nobody in corral sent is "killed", not a crash', (t) => {
  t.is(exitCause(facts(), { code: null, signal: 'SIGKILL' }).cause, 'killed');
  t.is(exitCause(facts(), { code: null, signal: 'SIGSEGV' }).cause, 'crashed');
  t.is(exitCause(facts(), { code: 1, signal: null }).cause, 'crashed');
});

test('exit 5 after ready is a worker whose app closed its IPC channel; before ready, a boot failure', (t) => {
  t.is(exitCause(facts(), { code: 5, signal: null }).cause, 'channel-closed');
  t.is(exitCause(facts({ ready: false }), { code: 5, signal: null }).cause, 'boot-failed');
  t.is(exitCause(facts({ cause: 'stopped' }), { code: 5, signal: null }).cause, 'stopped');
});

test('a requested stop stays a stop even when the worker had to be killed', (t) => {
  t.is(exitCause(facts({ cause: 'stopped' }), { code: null, signal: 'SIGKILL' }).cause, 'stopped');
});

test('boot failures carry the worker’s reason, or say that it gave none', (t) => {
  const reported = exitCause(
    facts({ ready: false, bootFailure: { exitCode: 4, reason: 'no export x' } }),
    {
      code: 4,
      signal: null,
    },
  );
  t.deepEqual(reported, {
    cause: 'boot-failed',
    bootFailure: { exitCode: 4, reason: 'no export x' },
  });
  const silent = exitCause(facts({ ready: false }), { code: 3, signal: null });
  t.is(silent.cause, 'boot-failed');
  t.regex(silent.bootFailure?.reason ?? '', /exited with code 3 before it was ready/);
});

test('any other exit of its own before ready is a boot failure (exit 3); a signal is not', (t) => {
  const exited = exitCause(facts({ ready: false }), { code: 7, signal: null });
  t.like(exited, { cause: 'boot-failed', bootFailure: { exitCode: 3 } });
  t.regex(exited.bootFailure?.reason ?? '', /exited with code 7 before it was ready/);
  t.like(exitCause(facts({ ready: false }), { code: 0, signal: null }), { cause: 'boot-failed' });
  t.is(exitCause(facts({ ready: false }), { code: null, signal: 'SIGKILL' }).cause, 'killed');
  // Asked to stop while booting: its exit is the stop's.
  t.is(
    exitCause(facts({ ready: false, cause: 'stopped' }), { code: 0, signal: null }).cause,
    'stopped',
  );
});

test('a fork that failed is a spawn failure', (t) => {
  t.like(exitCause(facts({ ready: false }), { code: null, signal: null, error: 'EAGAIN' }), {
    cause: 'spawn-failed',
    error: 'EAGAIN',
  });
});
