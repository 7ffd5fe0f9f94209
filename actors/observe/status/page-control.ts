/**
 * The status page's buttons: `POST /control/add|remove|reload|reopen-logs`, run through the same
 * commands as `corral ctl`. Only with `--status-control`, and only with the header
 * `X-Corral-Control: 1`: a page on another site can post a form here, but cannot set a header
 * without a preflight this server never grants.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observation } from '../observation.ts';
import { runControlCommand, type ControlRequest } from '../control/commands.ts';

export const CONTROL_HEADER = 'x-corral-control';

const pageCommands: Record<string, ControlRequest> = {
  add: { command: 'add', count: 1 },
  remove: { command: 'remove', count: 1 },
  reload: { command: 'reload' },
  'reopen-logs': { command: 'reopen-logs' },
};

export const PAGE_COMMANDS = Object.keys(pageCommands);

/**
 * @example
 * if (path.startsWith('/control/')) return answerControl(req, res, path.slice(9), options);
 */
export async function answerControl(
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  options: { enabled: boolean; observation: Observation },
): Promise<void> {
  const request = pageCommands[name];
  if (request === undefined) {
    return reply(res, 404, {
      ok: false,
      error: `no such command; known: ${PAGE_COMMANDS.join(', ')}`,
    });
  }
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return reply(res, 405, { ok: false, error: 'control commands are POSTed' });
  }
  if (!options.enabled) {
    return reply(res, 403, {
      ok: false,
      error: 'the page is read-only: start corral with --status-control',
    });
  }
  if (req.headers[CONTROL_HEADER] !== '1') {
    return reply(res, 403, {
      ok: false,
      error: `a control request needs the header X-Corral-Control: 1`,
    });
  }
  const answer = await runControlCommand(options.observation, request);
  const { afterAnswer, ...sent } = answer;
  reply(res, answer.ok ? 200 : 409, sent, afterAnswer);
}

function reply(res: ServerResponse, status: number, body: unknown, after?: () => void): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(`${JSON.stringify(body)}\n`, after);
}
