/**
 * The load generators: wrk when it is installed (`apt-get install -y wrk`; it is a small C
 * program, so it leaves more of the 2 shared cores to the servers), autocannon (a
 * devDependency, Node) otherwise. Both run as a child process, so their CPU can be measured.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export type ClientName = 'wrk' | 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  /** wrk threads (autocannon: worker threads, 0 = its main thread only). */
  threads: number;
  /** Send `Connection: close`, so every request uses a new connection. */
  close: boolean;
  /** Called once the client process exists, for CPU sampling. */
  onSpawn?: (pid: number) => void;
}

export interface LoadResult {
  requests: number;
  durationS: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Socket errors and timeouts plus non-2xx/3xx responses. */
  errors: number;
  errorDetail: string;
}

/** wrk if it runs here, else autocannon. */
export function detectClient(): ClientName {
  const probe = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  return probe.error === undefined ? 'wrk' : 'autocannon';
}

export function clientVersion(client: ClientName): string {
  if (client === 'wrk') {
    const probe = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
    return (probe.stdout || probe.stderr).split('\n')[0]?.trim() ?? 'wrk';
  }
  const require = createRequire(import.meta.url);
  const pkg = require('autocannon/package.json') as { version: string };
  return `autocannon ${pkg.version}`;
}

export function runLoad(client: ClientName, options: LoadOptions): Promise<LoadResult> {
  return client === 'wrk' ? runWrk(options) : runAutocannon(options);
}

const wrkScript = fileURLToPath(new URL('../wrk-report.lua', import.meta.url));

interface WrkJson {
  durationUs: number;
  requests: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50Us: number;
  p99Us: number;
}

async function runWrk(options: LoadOptions): Promise<LoadResult> {
  const args = [
    '-t',
    String(options.threads),
    '-c',
    String(options.connections),
    '-d',
    `${options.durationS}s`,
    '--timeout',
    '5s',
    '-s',
    wrkScript,
  ];
  if (options.close) args.push('-H', 'Connection: close');
  args.push(options.url);
  const { stdout } = await runChild('wrk', args, options);
  const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (line === undefined) throw new Error(`wrk printed no summary:\n${stdout}`);
  const j = JSON.parse(line.slice('WRK_JSON '.length)) as WrkJson;
  const durationS = j.durationUs / 1e6;
  const errors = j.connect + j.read + j.write + j.status + j.timeout;
  return {
    requests: j.requests,
    durationS,
    rps: j.requests / durationS,
    p50Ms: j.p50Us / 1000,
    p99Ms: j.p99Us / 1000,
    errors,
    errorDetail:
      errors === 0
        ? ''
        : `connect ${j.connect}, read ${j.read}, write ${j.write}, status ${j.status}, timeout ${j.timeout}`,
  };
}

interface AutocannonJson {
  duration: number;
  requests: { total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

async function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  const require = createRequire(import.meta.url);
  const bin = require.resolve('autocannon/autocannon.js');
  const args = [
    bin,
    '-j',
    '-n',
    '-c',
    String(options.connections),
    '-d',
    String(options.durationS),
    '-t',
    '5',
  ];
  if (options.threads > 1) args.push('-w', String(options.threads));
  if (options.close) args.push('-H', 'Connection=close');
  args.push(options.url);
  const { stdout } = await runChild(process.execPath, args, options);
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.trim().startsWith('{'));
  if (line === undefined) throw new Error(`autocannon printed no JSON:\n${stdout}`);
  const j = JSON.parse(line) as AutocannonJson;
  const errors = j.errors + j.timeouts + j.non2xx;
  return {
    requests: j.requests.total,
    durationS: j.duration,
    rps: j.requests.total / j.duration,
    p50Ms: j.latency.p50,
    p99Ms: j.latency.p99,
    errors,
    errorDetail:
      errors === 0 ? '' : `errors ${j.errors}, timeouts ${j.timeouts}, non-2xx ${j.non2xx}`,
  };
}

/** Runs the client to completion; it stops by itself after its duration (killed at 3x). */
function runChild(
  command: string,
  args: string[],
  options: LoadOptions,
): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const guard = setTimeout(() => child.kill('SIGKILL'), options.durationS * 3000 + 10_000);
    child.once('error', (error) => {
      clearTimeout(guard);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(guard);
      if (code === 0) resolve({ stdout });
      else reject(new Error(`${command} exited with ${code ?? signal}:\n${stderr}${stdout}`));
    });
  });
}
