/**
 * A real unix datagram socket to notify, bound by python3 (spec/fixtures/systemd), an
 * independent peer: what it receives is what systemd would. Killed in teardown.
 *
 * @example
 * const listener = await listenDatagrams(t);
 * await listener.waitFor((message) => message.includes('READY=1'));
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';

const script = fileURLToPath(new URL('../fixtures/systemd/datagram-listener.py', import.meta.url));

export interface Datagram {
  data: string;
  /** CLOCK_MONOTONIC when it arrived, in nanoseconds. */
  monotonicNs: bigint;
}

export interface DatagramListener {
  /** The NOTIFY_SOCKET value: a path, or `@name`. */
  address: string;
  /** CLOCK_MONOTONIC when the socket was bound, in nanoseconds. */
  boundNs: bigint;
  received(): Datagram[];
  /** The first datagram (from `from` on) whose text satisfies the predicate. */
  waitFor(
    predicate: (data: string) => boolean,
    from?: number,
    timeoutMs?: number,
  ): Promise<Datagram>;
  /** For a listener started paused: start reading. */
  resume(): void;
}

export async function listenDatagrams(
  t: ExecutionContext,
  options: { abstract?: boolean; paused?: boolean } = {},
): Promise<DatagramListener> {
  const name = `corral-spec-${process.pid}-${randomBytes(4).toString('hex')}`;
  let address = `@${name}`;
  if (!options.abstract) {
    const dir = mkdtempSync(join(tmpdir(), 'corral-notify-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    address = join(dir, 'notify.sock');
  }
  const child = spawn('python3', [script, address, ...(options.paused ? ['--paused'] : [])], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  t.teardown(() => child.kill('SIGKILL'));
  const received: Datagram[] = [];
  const wakers = new Set<() => void>();
  let boundNs: bigint | undefined;
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
      const line = JSON.parse(buffered.slice(0, at)) as { data?: string; monotonic_ns: number };
      buffered = buffered.slice(at + 1);
      const ns = BigInt(line.monotonic_ns);
      if (line.data === undefined) boundNs = ns;
      else received.push({ data: line.data, monotonicNs: ns });
      for (const wake of wakers) wake();
    }
  });
  const waitFor = (predicate: (data: string) => boolean, from = 0, timeoutMs = 30_000) =>
    new Promise<Datagram>((resolve, reject) => {
      const check = () => {
        const found = received.slice(from).find((datagram) => predicate(datagram.data));
        if (found === undefined) return;
        clearTimeout(timer);
        wakers.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        wakers.delete(check);
        reject(
          new Error(`no such datagram; received: ${JSON.stringify(received.map((d) => d.data))}`),
        );
      }, timeoutMs);
      wakers.add(check);
      check();
    });
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (boundNs === undefined) return;
      wakers.delete(check);
      resolve();
    };
    wakers.add(check);
    child.once('exit', (code) => reject(new Error(`the datagram listener exited (${code})`)));
  });
  return {
    address,
    boundNs: boundNs!,
    received: () => received,
    waitFor,
    resume: () => child.stdin.write('go\n'),
  };
}
