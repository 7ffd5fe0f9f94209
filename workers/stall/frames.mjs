// Turns the call frames of a Debugger.paused event into the frames of a stall report: function
// name, file and 1-based line and column, mapped back through source maps, so a TypeScript app
// (which tsx compiles to one line per file) reads as written. Plain JavaScript, because the
// watchdog thread runs without tsx (see stall-watchdog.ts); stall-frames.d.mts has the types.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Enough to see past the app into corral and Node; the log line shows fewer. */
export const MAX_FRAMES = 32;

/**
 * @typedef {{ functionName: string, url?: string, location: { scriptId: string, lineNumber: number, columnNumber?: number } }} CallFrame
 * @typedef {{ url: string, sourceMapURL?: string }} ParsedScript
 * @typedef {import('../../protocol/stall-report.ts').StallFrame} StallFrame
 */

/**
 * @param {readonly CallFrame[]} callFrames innermost first, as the inspector gives them
 * @param {ReadonlyMap<string, ParsedScript>} scripts Debugger.scriptParsed params by scriptId
 * @returns {StallFrame[]}
 */
export function toStallFrames(callFrames, scripts) {
  /** @type {Map<string, SourceMap | null>} */
  const maps = new Map();
  return callFrames.slice(0, MAX_FRAMES).map((frame) => {
    const script = scripts.get(frame.location.scriptId);
    // CallFrame.url is deprecated and empty on Node 20; the script's url is the real one.
    const url = script?.url || frame.url || '';
    const line = frame.location.lineNumber;
    const column = frame.location.columnNumber ?? 0;
    const original = script === undefined ? undefined : mapPosition(script, line, column, maps);
    return {
      functionName: frame.functionName,
      url: readableUrl(original?.url ?? url),
      line: (original?.line ?? line) + 1,
      column: (original?.column ?? column) + 1,
    };
  });
}

/**
 * @param {ParsedScript} script
 * @param {number} line 0-based
 * @param {number} column 0-based
 * @param {Map<string, SourceMap | null>} maps parsed source maps, by script url
 */
function mapPosition(script, line, column, maps) {
  if (!maps.has(script.url)) maps.set(script.url, loadSourceMap(script));
  const entry = maps.get(script.url)?.findEntry(line, column);
  if (entry === undefined || !('originalSource' in entry)) return undefined;
  return {
    url: resolveSource(entry.originalSource, script.url),
    line: entry.originalLine,
    column: entry.originalColumn,
  };
}

/**
 * A script's source map from an inline `data:` URL (tsx) or a file next to it (compiled
 * apps); null when it has none or it cannot be read: the generated position is still useful.
 *
 * @param {ParsedScript} script
 * @returns {SourceMap | null}
 */
function loadSourceMap(script) {
  const ref = script.sourceMapURL;
  if (!ref) return null;
  try {
    if (ref.startsWith('data:')) {
      const [header = '', data = ''] = ref.split(',', 2);
      const text = header.endsWith(';base64')
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeURIComponent(data);
      return new SourceMap(JSON.parse(text));
    }
    const location = new URL(ref, script.url);
    if (location.protocol !== 'file:') return null;
    return new SourceMap(JSON.parse(readFileSync(location, 'utf8')));
  } catch {
    return null;
  }
}

/**
 * @param {string} source a source map's `sources` entry: a path or URL, maybe relative
 * @param {string} scriptUrl
 */
function resolveSource(source, scriptUrl) {
  try {
    return new URL(source, scriptUrl).href;
  } catch {
    return source;
  }
}

/** @param {string} url */
function readableUrl(url) {
  if (!url.startsWith('file:')) return url;
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}
