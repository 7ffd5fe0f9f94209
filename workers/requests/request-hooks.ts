/**
 * `preRequest` and `postRequest` around the app. They run for every request, so a worker whose
 * config defines neither gets its listener back untouched: no wrapper, no cost.
 */
import type { RequestListener } from 'node:http';
import type { WorkerHookRunner } from '../worker-hooks.ts';

/**
 * `preRequest` runs before the app sees the request; if it returns a promise, the request waits
 * for it (bounded by hookTimeout), and a hook that fails does not keep the request from the app.
 * `postRequest` runs once the response has finished or the connection closed before it did.
 *
 * @example
 * http.createServer(withRequestHooks(app, hooks));
 */
export function withRequestHooks(
  listener: RequestListener,
  hooks: Pick<WorkerHookRunner, 'has' | 'run'>,
): RequestListener {
  const pre = hooks.has('preRequest');
  const post = hooks.has('postRequest');
  if (!pre && !post) return listener;
  return (req, res) => {
    // 'close' comes after 'finish' too, so it is the one event for both endings.
    if (post) res.once('close', () => void hooks.run('postRequest', req, res));
    const waiting = pre ? hooks.run('preRequest', req) : undefined;
    if (waiting === undefined) listener(req, res);
    else void waiting.then(() => listener(req, res));
  };
}
