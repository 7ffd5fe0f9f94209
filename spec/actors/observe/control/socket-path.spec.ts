import test from 'ava';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ControlSocketError } from '../../../../errors.ts';
import {
  checkSocketDirectory,
  checkSocketPath,
} from '../../../../actors/observe/control/socket-path.ts';
import { deadSocket, privateDir } from '../../../helpers/ctl-process.ts';

const nobody = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }));

test('a private directory of the master user is accepted', async (t) => {
  await t.notThrowsAsync(checkSocketDirectory(join(privateDir(t), 'ctl.sock')));
});

test('a directory its group or others can write is refused, naming it', async (t) => {
  for (const [mode, who] of [
    [0o770, 'its group'],
    [0o703, 'others'],
  ] as const) {
    const dir = privateDir(t);
    chmodSync(dir, mode);
    const error = await t.throwsAsync(checkSocketDirectory(join(dir, 'ctl.sock')), {
      instanceOf: ControlSocketError,
    });
    t.is(error?.code, 'ECORRAL_CONTROL_SOCKET');
    t.true(error?.message.startsWith(`refusing the control socket directory ${dir}:`));
    t.true(error?.message.includes(`writable by ${who}`), error?.message);
  }
});

test('a directory owned by another user, or missing, is refused', async (t) => {
  const dir = join(privateDir(t), 'theirs');
  mkdirSync(dir, 0o700);
  chownSync(dir, nobody, nobody);
  await t.throwsAsync(checkSocketDirectory(join(dir, 'ctl.sock')), {
    message: new RegExp(`${dir}: it is owned by uid ${nobody}, not by the master's uid 0`),
  });
  await t.throwsAsync(checkSocketDirectory(join(dir, 'nope', 'ctl.sock')), {
    message: /cannot use the control socket directory .*nope: ENOENT/,
  });
});

test('a free path and a dead socket pass; a file and a live socket are refused', async (t) => {
  const dir = privateDir(t);
  await t.notThrowsAsync(checkSocketPath(join(dir, 'free.sock')));
  const dead = join(dir, 'dead.sock');
  await deadSocket(t, dead);
  await t.notThrowsAsync(checkSocketPath(dead));
  const file = join(dir, 'file');
  writeFileSync(file, 'mine');
  await t.throwsAsync(checkSocketPath(file), {
    message: `${file} exists and is not a socket; refusing to replace it`,
  });
  const live = join(dir, 'live.sock');
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(live, resolve));
  t.teardown(() => server.close());
  await t.throwsAsync(checkSocketPath(live), { message: `another master answers at ${live}` });
});
