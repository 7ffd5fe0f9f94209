// Every row of the bad-input table (rows.ts) against the real CLI: the exit code, the words
// the output must contain, and nothing left behind: no worker alive, nothing new in the row's
// working directory (no socket, no PID file), and the port another process holds still its.
import test, { type ExecutionContext } from 'ava';
import { request } from 'node:http';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, isAlive, startCorral, type CorralProcess } from '../corral-process.ts';
import { badInputRows, type BadInputRow } from './rows.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/bad-input/', import.meta.url));

interface Place {
  dir: string;
  port: number;
  pid: number;
}

function fill(text: string, place: Place): string {
  return text
    .replaceAll('{fixtures}', fixtures)
    .replaceAll('{dir}', place.dir)
    .replaceAll('{port}', String(place.port))
    .replaceAll('{pid}', String(place.pid));
}

async function holdPort(t: ExecutionContext): Promise<number> {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  t.teardown(() => holder.close());
  return (holder.address() as AddressInfo).port;
}

/** A request the server keeps in flight; its failure (a quick stop cuts it) is expected. */
async function keepInFlight(corral: CorralProcess, path: string): Promise<void> {
  const [, port] = await corral.waitFor(/Listening at: http:\/\/127\.0\.0\.1:(\d+)/);
  await corral.waitFor(/Ready: 1 worker serving/);
  const req = request({ host: '127.0.0.1', port: Number(port), path });
  req.on('error', () => {});
  req.end();
}

async function sendSignals(corral: CorralProcess, row: BadInputRow, place: Place): Promise<void> {
  for (const { after, send } of row.signals ?? []) {
    await corral.waitFor(new RegExp(escape(fill(after, place))));
    corral.signal(send);
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

for (const row of badInputRows) {
  test.serial(`${row.group}: ${row.what} → exit ${row.code}`, async (t) => {
    t.timeout(90_000);
    const dir = mkdtempSync(join(tmpdir(), 'corral-bad-input-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const place = { dir: `${dir}/`, port: row.holdPort ? await holdPort(t) : 0, pid: process.pid };
    for (const [name, content] of Object.entries(row.files ?? {})) {
      writeFileSync(join(dir, name), fill(content, place));
    }
    const before = readdirSync(dir).sort();
    const corral = startCorral(
      t,
      row.args.map((arg) => fill(arg, place)),
      {
        cwd: dir,
        env: { CORRAL_CONTROL_SOCKET: undefined, CORRAL_CMD_ARGS: undefined, PORT: undefined },
      },
    );
    if (row.request !== undefined) await keepInFlight(corral, row.request);
    await sendSignals(corral, row, place);
    const exit = await corral.exited;
    const output = corral.output();
    t.is(exit.code, row.code, output);
    for (const words of row.says) t.true(output.includes(fill(words, place)), fill(words, place));
    const workers = corral.workerPids();
    await eventually(() => !workers.some(isAlive), `no worker of ${workers.join(', ')} left`);
    t.deepEqual(readdirSync(dir).sort(), before, 'nothing left in the working directory');
  });
}
