// Takes the stuck main thread's stack and in-flight requests from the watchdog thread, through
// the inspector: a session attached to the main thread sends Debugger.enable and
// Debugger.pause, which V8 serves from an interrupt even while the thread runs a tight loop.
// The Debugger.paused event carries the call frames; while paused, an expression evaluated on
// the top frame reads the in-flight table (in-flight-table.ts); then the thread resumes. Plain
// JavaScript, because the watchdog thread runs without tsx (see stall-watchdog.ts).
import { Session } from 'node:inspector';
import { toStallFrames } from './frames.mjs';

/**
 * @typedef {import('../../protocol/stall-report.ts').StallFrame} StallFrame
 * @typedef {{ method: string, url: string, startedAt: number }} InFlightEntry
 * @typedef {{ stack: StallFrame[], inFlight: InFlightEntry[], pausedAt: number }} StallSnapshot
 */

/**
 * Pauses the main thread just long enough to read it. Resolves with an empty stack when the
 * thread does not answer within `waitMs` (stuck outside JavaScript, in a native call that does
 * not check for interrupts), and with null when `turned()` says the loop moved on meanwhile (the
 * stack would be of something else). Never rejects.
 *
 * @param {{ inFlightKey: string, waitMs: number, turned: () => boolean }} options
 * @returns {Promise<StallSnapshot | null>}
 */
export async function takeStallSnapshot(options) {
  const nothing = { stack: [], inFlight: [], pausedAt: Date.now() };
  let session;
  try {
    session = new Session();
    session.connectToMainThread();
    return await readPaused(session, options);
  } catch {
    return nothing;
  } finally {
    // Disconnecting also drops a pause that never landed, so it cannot land later.
    session?.disconnect();
  }
}

/**
 * @param {Session} session
 * @param {{ inFlightKey: string, waitMs: number, turned: () => boolean }} options
 * @returns {Promise<StallSnapshot | null>}
 */
async function readPaused(session, options) {
  /** @type {Map<string, { url: string, sourceMapURL?: string }>} */
  const scripts = new Map();
  session.on('Debugger.scriptParsed', ({ params }) => scripts.set(params.scriptId, params));
  const paused = new Promise((resolve) => session.once('Debugger.paused', resolve));
  await within(post(session, 'Debugger.enable'), options.waitMs);
  await post(session, 'Debugger.pause');
  const { params } = await within(paused, options.waitMs);
  const pausedAt = Date.now();
  try {
    if (options.turned()) return null;
    const inFlight = await readInFlight(session, params.callFrames[0], options.inFlightKey);
    return { stack: toStallFrames(params.callFrames, scripts), inFlight, pausedAt };
  } finally {
    await post(session, 'Debugger.resume');
  }
}

/**
 * @param {Session} session
 * @param {{ callFrameId: string } | undefined} frame
 * @param {string} key
 * @returns {Promise<InFlightEntry[]>}
 */
async function readInFlight(session, frame, key) {
  if (frame === undefined) return [];
  const expression = `(() => {
    const registry = globalThis[Symbol.for(${JSON.stringify(key)})];
    if (typeof registry?.entries !== 'function') return [];
    return registry.entries().map((e) => ({ method: e.method, url: e.url, startedAt: e.startedAt }));
  })()`;
  const { result } = await post(session, 'Debugger.evaluateOnCallFrame', {
    callFrameId: frame.callFrameId,
    expression,
    returnByValue: true,
    silent: true,
  });
  return Array.isArray(result?.value) ? result.value : [];
}

/**
 * @param {Session} session
 * @param {string} method
 * @param {object} [params]
 * @returns {Promise<any>}
 */
function post(session, method, params = {}) {
  return new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @returns {Promise<T>}
 */
function within(promise, ms) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
