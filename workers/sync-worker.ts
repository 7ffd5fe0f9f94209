/** The `sync` worker class: Gunicorn's, one connection at a time. */
import { serveHttp } from './http-serving.ts';
import type { WorkerClass } from './worker-class.ts';

/**
 * One connection at a time. The accept gate closes on each connection and reopens when it
 * closes, so while this worker is busy an idle sibling gets the next connection. Every response
 * carries `Connection: close`, since an idle kept-alive client would hold the only slot.
 *
 * @example
 * const serving = await syncWorker.serve({ config, listener, log });
 */
export const syncWorker: WorkerClass = {
  name: 'sync',
  serve(context) {
    return serveHttp(context, { connectionLimit: 1, closeAfterEachResponse: true });
  },
};
