/**
 * The gate in front of the app for requests Node parsed but corral refuses: over a request
 * limit, or against an RFC rule a proxy in front may read differently. A refused request is
 * answered with its status and `Connection: close`, logged as a warning with the client's
 * address, and never reaches the app, the request hooks or the max-requests count.
 *
 * @example
 * const listener = screenRequests(app, config.http, log);
 */
import type { IncomingMessage, RequestListener, ServerOptions } from 'node:http';
import type { Server } from 'node:http';
import { refuse } from '../requests/error-responses.ts';
import { answerClientErrors } from './client-errors.ts';
import {
  exceedsLimits,
  headerBlockSize,
  headersCount,
  type RequestLimits,
} from './request-limits.ts';
import { breaksProtocol } from './strict-requests.ts';
import { trailerCheckedMessage } from './strict-trailers.ts';
import type { WorkerLog } from '../worker-log.ts';

/**
 * Wraps the listener: a request that breaks a limit or a rule is answered here instead.
 *
 * @example
 * http.createServer(screenRequests(app, config.http, log));
 */
export function screenRequests(
  listener: RequestListener,
  limits: RequestLimits,
  log: WorkerLog,
): RequestListener {
  return (req, res) => {
    const refusal = exceedsLimits(req, limits) ?? breaksProtocol(req);
    if (refusal === undefined) return listener(req, res);
    warnInvalid(log, req, refusal.reason);
    refuse(res, refusal.status);
  };
}

/**
 * The parser's side of the same rules, given to `http.createServer`: the header block's size,
 * Host required on HTTP/1.1, Node's strict parser, and the trailer check.
 *
 * @example
 * http.createServer(parserOptions(config.http, log), listener);
 */
export function parserOptions(limits: RequestLimits, log: WorkerLog): ServerOptions {
  return {
    maxHeaderSize: headerBlockSize(limits),
    requireHostHeader: true,
    insecureHTTPParser: false,
    IncomingMessage: trailerCheckedMessage((req, reason) => warnInvalid(log, req, reason)),
  };
}

/**
 * What cannot be passed to `createServer`: the field count Node keeps, and the answers to
 * what its parser refuses.
 *
 * @example
 * screenParserErrors(server, config.http, log);
 */
export function screenParserErrors(server: Server, limits: RequestLimits, log: WorkerLog): void {
  server.maxHeadersCount = headersCount(limits);
  // An app's own server may answer its parser errors itself (Fastify does): two answers on one
  // socket would garble both.
  if (server.listenerCount('clientError') === 0) server.on('clientError', answerClientErrors(log));
}

function warnInvalid(log: WorkerLog, req: IncomingMessage, reason: string): void {
  log.warn(`Invalid request from ip=${req.socket.remoteAddress ?? '?'}: ${reason}`);
}
