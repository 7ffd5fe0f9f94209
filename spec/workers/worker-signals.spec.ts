// Signals meant for the master (a terminal sends them to the whole process group) leave a worker
// serving; SIGABRT, the master's heartbeat-timeout kill, ends it with exit code 1 and a note.
import test from 'ava';
import { bindSocket } from '../helpers/bound-socket.ts';
import { get } from '../helpers/http-client.ts';
import { startWorker } from '../helpers/worker-harness.ts';

test.serial('HUP, TTIN, TTOU, WINCH and USR2 are ignored', async (t) => {
  t.timeout(30_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket);
  await worker.waitForMessage('ready');

  for (const signal of ['SIGHUP', 'SIGTTIN', 'SIGTTOU', 'SIGWINCH', 'SIGUSR2'] as const) {
    worker.kill(signal);
    // A request after each signal: answered only if the worker is still running and not stopped.
    t.is((await get(socket.port, '/')).body, String(worker.pid), signal);
  }
  t.false(worker.messages.some((message) => message.act === 'stopping'));
});

test.serial('SIGABRT exits 1 at once with a note on stderr', async (t) => {
  t.timeout(30_000);
  const socket = bindSocket(t);
  const worker = startWorker(t, socket);
  await worker.waitForMessage('ready');
  const cut = t.throwsAsync(get(socket.port, '/slow?ms=60000'));
  await worker.waitForStdout('started');

  worker.kill('SIGABRT');
  t.like(await worker.waitForExit(), { code: 1, signal: null });
  t.regex(worker.stderr(), /aborted by the master/);
  await cut;
});
