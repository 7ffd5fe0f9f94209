/**
 * For control-socket specs: run `corral ctl` as a real child process (as another user, if
 * asked), make a private directory for a socket, and leave a dead master's socket behind.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';
import { corralBin, DEADLINE_MS, killQuietly, repoRoot } from '../integration/corral-process.ts';
import { within } from './wait.ts';

const asUser = fileURLToPath(new URL('../fixtures/integration/ctl-as-user.ts', import.meta.url));

export interface CtlRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CtlOptions {
  env?: NodeJS.ProcessEnv;
  /** Run the client as this uid and gid (the spec runs as root, and loads ctl before it drops). */
  uid?: number;
  gid?: number;
}

/**
 * @example
 * const { code, stdout } = await ctl(t, ['-s', socket, 'status', '--json']);
 */
export async function ctl(
  t: ExecutionContext,
  args: string[],
  options: CtlOptions = {},
): Promise<CtlRun> {
  // As another user, ctl loads as root and then drops its privileges (ctl-as-user.ts): the
  // checkout need not be readable by that user.
  const command =
    options.uid === undefined
      ? [corralBin, 'ctl', ...args]
      : [
          '--import',
          'tsx',
          asUser,
          String(options.uid),
          String(options.gid ?? options.uid),
          ...args,
        ];
  const child = spawn(process.execPath, command, {
    cwd: repoRoot,
    env: { ...process.env, CORRAL_CONTROL_SOCKET: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => killQuietly(child.pid));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await within(
    new Promise<number | null>((resolve) => child.once('close', (status) => resolve(status))),
    `corral ctl ${args.join(' ')}`,
    DEADLINE_MS,
  );
  return { code, stdout, stderr };
}

/** A fresh directory only root can enter, removed at teardown. */
export function privateDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-ctl-'));
  chmodSync(dir, 0o700);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A socket file at `path` whose listener was SIGKILLed: connecting to it is refused. */
export async function deadSocket(t: ExecutionContext, path: string): Promise<void> {
  const script = `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => killQuietly(child.pid));
  await within(
    new Promise<void>((resolve) => child.stdout.once('data', () => resolve())),
    'the soon-dead listener to listen',
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await within(exited, 'the listener to die');
}
