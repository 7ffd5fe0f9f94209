/** The `sync` worker class: Gunicorn's, one request at a time. */
import { serveHttp } from '../serving/http-serving.ts';
import { createOneRequestAdmission } from './one-request-admission.ts';
import type { WorkerClass } from './worker-class.ts';

/**
 * One request at a time. The accept gate closes on each new connection and while a request is
 * in flight, so while this worker is busy an idle sibling gets the next connection. Unlike
 * Gunicorn's, a connection that sends nothing does not pin the worker: after a second it stops
 * holding the gate, and `--headers-timeout` closes it (see one-request-admission.ts and
 * docs/slow-clients.md). Every response carries `Connection: close`, since an idle kept-alive
 * client would hold the only slot.
 *
 * @example
 * const serving = await syncWorker.serve({ config, listener, log });
 */
export const syncWorker: WorkerClass = {
  name: 'sync',
  serve(context) {
    const connectionLimit = context.config.workerConnections;
    return serveHttp(context, {
      connectionLimit,
      closeAfterEachResponse: true,
      admission: (gate) => createOneRequestAdmission(gate, { connectionLimit }),
    });
  },
};
