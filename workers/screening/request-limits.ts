/**
 * `--limit-request-line`, `--limit-request-fields` and `--limit-request-field-size`, checked on
 * what Node's parser already produced, before the app is called.
 *
 * Node parses the whole header block first, bounded by `maxHeaderSize` (answered with 431 by
 * `client-errors.ts`), so these checks only add Gunicorn's finer limits on top. Node hands
 * header text over as latin1 strings, one character per byte, so `length` is the byte count.
 *
 * @example
 * const refusal = exceedsLimits(req, config.http);
 * if (refusal !== undefined) refuse(res, refusal.status);
 */
import type { IncomingMessage } from 'node:http';
import type { WorkerHttpConfig } from '../../protocol/worker-boot.ts';
import type { Refusal } from '../requests/error-responses.ts';

export type RequestLimits = Pick<
  WorkerHttpConfig,
  'limitRequestLine' | 'limitRequestFields' | 'limitRequestFieldSize'
>;

/** Node's own default for the whole header block (`--max-http-header-size`). */
const NODE_HEADER_BLOCK = 16 * 1024;
/** Room for the ordinary fields (Host, User-Agent, Accept, ...) beside the longest one allowed. */
const ORDINARY_FIELDS = 4 * 1024;
/** Node's own default `maxHeadersCount`; beyond it Node drops fields without a word. */
const NODE_HEADERS_COUNT = 2000;

/**
 * The `maxHeaderSize` for the server: Node's default, raised when a request at the configured
 * line and field-size limits would not fit in it, so each limit can be reached.
 *
 * @example
 * http.createServer({ maxHeaderSize: headerBlockSize(config.http) }, app);
 */
export function headerBlockSize(limits: RequestLimits): number {
  const widest = limits.limitRequestLine + limits.limitRequestFieldSize + ORDINARY_FIELDS;
  return Math.max(NODE_HEADER_BLOCK, widest);
}

/**
 * The server's `maxHeadersCount`: one more than the limit, so an excess is seen (and refused)
 * rather than cut off silently, and no more fields than that are kept in memory.
 *
 * @example
 * server.maxHeadersCount = headersCount(config.http);
 */
export function headersCount(limits: RequestLimits): number {
  return limits.limitRequestFields === 0 ? NODE_HEADERS_COUNT : limits.limitRequestFields + 1;
}

/**
 * The first limit the request breaks, or undefined. No allocation unless one is broken.
 *
 * @example
 * exceedsLimits(req, { limitRequestLine: 4094, limitRequestFields: 100, limitRequestFieldSize: 8190 });
 */
export function exceedsLimits(req: IncomingMessage, limits: RequestLimits): Refusal | undefined {
  const { limitRequestLine, limitRequestFields, limitRequestFieldSize } = limits;
  if (limitRequestLine > 0) {
    // `METHOD SP target SP HTTP/x.y`, without the CRLF, as Gunicorn counts it.
    const line = (req.method?.length ?? 0) + (req.url?.length ?? 0) + 10;
    if (line > limitRequestLine) {
      return { status: 414, reason: `request line of ${line} bytes (limit ${limitRequestLine})` };
    }
  }
  const raw = req.rawHeaders;
  if (limitRequestFields > 0 && raw.length / 2 > limitRequestFields) {
    return { status: 431, reason: `more than ${limitRequestFields} header fields` };
  }
  if (limitRequestFieldSize > 0) return fieldTooLarge(raw, limitRequestFieldSize);
  return undefined;
}

/** `Name: value` and its CRLF around what Node gives (the name, the value without its OWS). */
const FIELD_LINE_OVERHEAD = ': \r\n'.length;

function fieldTooLarge(raw: readonly string[], limit: number): Refusal | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    // The whole field line with its CRLF, as Gunicorn counts it, so a limit copied from a
    // Gunicorn config refuses the same requests.
    const size = (raw[i] as string).length + (raw[i + 1] as string).length + FIELD_LINE_OVERHEAD;
    if (size > limit) {
      return { status: 431, reason: `header field ${raw[i]} of ${size} bytes (limit ${limit})` };
    }
  }
  return undefined;
}
