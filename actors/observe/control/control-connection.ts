/**
 * One control client: read its request line, run the command, write the answer line, close.
 * A command with an `afterAnswer` (stop) runs it once the answer is flushed to the client.
 */
import type { Socket } from 'node:net';
import type { ObservePartContext } from '../observe-part.ts';
import { parseControlRequest, runControlCommand, type ControlAnswer } from './commands.ts';
import { readLine } from './read-line.ts';

const MAX_REQUEST_BYTES = 64 * 1024;

export function serveControlConnection(
  socket: Socket,
  context: ObservePartContext,
  stopping: AbortSignal,
): void {
  socket.on('error', () => undefined);
  void answer(socket, context, stopping).then((reply) => {
    if (socket.destroyed) return;
    const { afterAnswer, ...wire } = reply;
    socket.end(`${JSON.stringify(wire)}\n`, () => afterAnswer?.());
  });
}

async function answer(
  socket: Socket,
  context: ObservePartContext,
  stopping: AbortSignal,
): Promise<ControlAnswer> {
  let line: string | null;
  try {
    line = await readLine(socket, MAX_REQUEST_BYTES);
  } catch (error) {
    return { ok: false, error: `bad request: ${(error as Error).message}` };
  }
  if (line === null) return { ok: false, error: 'no request' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { ok: false, error: 'bad request: not JSON' };
  }
  const request = parseControlRequest(parsed);
  if (typeof request === 'string') return { ok: false, error: `bad request: ${request}` };
  // A client that hangs up while waiting for a reload stops the wait with it.
  const gone = new AbortController();
  socket.once('close', () => gone.abort());
  const signal = AbortSignal.any([stopping, gone.signal]);
  const reply = await runControlCommand(context.observation, request, { signal });
  if (request.command !== 'status') context.log.info(commandLog(request.command, reply));
  return reply;
}

function commandLog(command: string, reply: ControlAnswer): string {
  return reply.ok
    ? `Control: ${command}: ${reply.message}`
    : `Control: ${command} refused: ${reply.error}`;
}
