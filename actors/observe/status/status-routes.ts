/**
 * What the status page's server answers:
 *
 * | request                  | answer                                               |
 * | ------------------------ | ---------------------------------------------------- |
 * | `GET /`                  | the page, self-contained                             |
 * | `GET /status.json`       | the view the page draws, as JSON                     |
 * | `GET /events`            | that view as server-sent events, pushed on change    |
 * | `POST /control/COMMAND`  | add, remove, reload, reopen-logs (page-control.ts)   |
 * | anything else            | 404, or 405 for a known path with the wrong method   |
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerText, requestPath } from '../http-listen.ts';
import type { Observation } from '../observation.ts';
import type { EventStream } from './event-stream.ts';
import { answerControl } from './page-control.ts';
import { renderPage, type PageParts } from './page-document.ts';

export interface StatusRoutes {
  parts: PageParts;
  stream: EventStream;
  observation: Observation;
  control: boolean;
  onError: (error: unknown) => void;
}

/** How many of the latest lifecycle events the page gets (and shows). */
export const PAGE_EVENTS = 50;

/** The JSON the page draws from: the master's view, its clock, and whether it has controls. */
export function statusPayload(observation: Observation, control: boolean) {
  const view = observation.view();
  return { now: Date.now(), control, view: { ...view, events: view.events.slice(-PAGE_EVENTS) } };
}

export function createStatusHandler(routes: StatusRoutes) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = requestPath(req.url);
    if (path.startsWith('/control/')) {
      answerControl(req, res, path.slice('/control/'.length), {
        enabled: routes.control,
        observation: routes.observation,
      }).catch((error: unknown) => failed(res, error, routes.onError));
      return;
    }
    if (!(path in readers)) return answerText(res, 404, 'Not found: the status page is at /\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return answerText(res, 405, 'Method not allowed\n');
    }
    try {
      readers[path]?.(req, res, routes);
    } catch (error) {
      failed(res, error, routes.onError);
    }
  };
}

type Reader = (req: IncomingMessage, res: ServerResponse, routes: StatusRoutes) => void;

const readers: Record<string, Reader> = {
  '/': (req, res, routes) => {
    const payload = statusPayload(routes.observation, routes.control);
    send(req, res, 'text/html; charset=utf-8', renderPage(routes.parts, payload));
  },
  '/status.json': (req, res, routes) => {
    const payload = statusPayload(routes.observation, routes.control);
    send(req, res, 'application/json', `${JSON.stringify(payload)}\n`);
  },
  '/events': (req, res, routes) => routes.stream.connect(req, res),
};

function send(req: IncomingMessage, res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    // Everything the page needs is inline; it may load nothing from anywhere.
    'Content-Security-Policy':
      "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src data:",
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function failed(res: ServerResponse, error: unknown, onError: (error: unknown) => void): void {
  onError(error);
  if (res.headersSent) res.destroy();
  else answerText(res, 500, 'The status page failed to answer\n');
}
