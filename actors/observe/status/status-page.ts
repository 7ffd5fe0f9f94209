/**
 * `--status-bind`: corral's own live view, served by the master. The page draws the arbiter's
 * and the worker machine's statecharts with the states the actors are in marked, a table of the
 * workers and the latest lifecycle events in the log's words, and follows them over server-sent
 * events. Loopback and unix sockets only, unless `--status-allow-remote`; read-only unless
 * `--status-control`.
 *
 * @example
 * const part = await startStatusPage({ observation, settings, log });
 * // log: "Status page at: http://127.0.0.1:9000/"
 * await part.stop();
 */
import type { ObservePartContext, RunningPart } from '../observe-part.ts';
import { listenHttp } from '../http-listen.ts';
import { createEventStream } from './event-stream.ts';
import { loadPageParts } from './page-document.ts';
import { checkStatusAddress } from './private-address.ts';
import { createStatusHandler, statusPayload } from './status-routes.ts';

export async function startStatusPage(context: ObservePartContext): Promise<RunningPart> {
  const { settings, observation, log } = context;
  const address = settings.statusBind;
  if (address === undefined) throw new TypeError('startStatusPage needs settings.statusBind');
  checkStatusAddress(address, settings.statusAllowRemote);
  const parts = await loadPageParts();
  const control = settings.statusControl;
  const stream = createEventStream({ payload: () => statusPayload(observation, control) });
  // A snapshot alone is routine (mostly heartbeats); lifecycle events come as emitted events.
  const unsubscribe = observation.onChange((reason) => stream.changed(reason === 'snapshot'));
  let warned = false;
  const onError = (error: unknown) => {
    if (!warned) log.warn(`The status page failed to answer (reported once): ${String(error)}`);
    warned = true;
  };
  const handler = createStatusHandler({ parts, stream, observation, control, onError });
  let http;
  try {
    http = await listenHttp(address, handler, 'the status page');
  } catch (error) {
    unsubscribe();
    stream.close();
    throw error;
  }
  const url = http.origin.startsWith('unix:') ? http.origin : `${http.origin}/`;
  log.info(`Status page at: ${url}${control ? ' (with controls)' : ''}`);
  return {
    address: url,
    stop: async () => {
      unsubscribe();
      stream.close();
      await http.close();
    },
  };
}
