import test from 'ava';
import { existsSync, lstatSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startControlSocket } from '../../../../actors/observe/control/control-socket.ts';
import { sendControlRequest } from '../../../../actors/observe/control/ctl-client.ts';
import { createObservation } from '../../../../actors/observe/observation.ts';
import type { Settings } from '../../../../settings/settings.ts';
import type { LogSink } from '../../../../actors/supervision-log.ts';
import { readLine } from '../../../../actors/observe/control/read-line.ts';
import { privateDir } from '../../../helpers/ctl-process.ts';

const quiet: LogSink = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  fatal: () => undefined,
};

async function start(path: string) {
  const settings = { controlSocket: path } as Settings;
  return startControlSocket({ observation: createObservation(), settings, log: quiet });
}

test('listens at the path with mode 0600, answers, and removes the socket on stop', async (t) => {
  const dir = privateDir(t);
  const path = join(dir, 'ctl.sock');
  const part = await start(path);
  t.teardown(() => part.stop());
  t.is(part.address, `unix:${path}`);
  t.true(lstatSync(path).isSocket());
  t.is(statSync(path).mode & 0o777, 0o600);
  t.deepEqual(readdirSync(dir), ['ctl.sock'], 'no other name left in the directory');
  const reply = await sendControlRequest(path, { command: 'add', count: 1 }, 10_000);
  t.deepEqual(reply, { ok: false, error: 'the master has not started yet' });
  await part.stop();
  t.false(existsSync(path));
});

test('a bad request gets an error answer, not a hang', async (t) => {
  const path = join(privateDir(t), 'ctl.sock');
  const part = await start(path);
  t.teardown(() => part.stop());
  for (const [line, error] of [
    ['not json', /^bad request: not JSON$/],
    ['{"command":"fly"}', /^bad request: unknown command "fly"/],
    [
      '{"command":"scale","workers":0}',
      /^bad request: workers must be a whole number of at least 1/,
    ],
  ] as const) {
    const socket = connect(path);
    t.teardown(() => socket.destroy());
    socket.end(`${line}\n`);
    const answer = JSON.parse((await readLine(socket, 65_536)) ?? 'null') as {
      ok: boolean;
      error: string;
    };
    t.false(answer.ok);
    t.regex(answer.error, error);
  }
});

test('stop leaves a socket that replaced ours in place', async (t) => {
  const dir = privateDir(t);
  const path = join(dir, 'ctl.sock');
  const part = await start(path);
  renameSync(path, join(dir, 'moved.sock'));
  writeFileSync(path, 'a successor');
  await part.stop();
  t.true(existsSync(path), 'not ours: it stays');
});
