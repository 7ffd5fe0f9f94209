/**
 * The max-requests rule on the worker's side, as Gunicorn has it: count requests as they start,
 * and once the count reaches this worker's limit, ask the master (once) to be replaced. Each
 * worker draws its own jitter, so a herd started together does not recycle together.
 */

/**
 * This worker's request limit: `maxRequests` plus a random whole number from 0 to `jitter`,
 * drawn once; 0 when max-requests is off. `random` is injectable so specs can pin the draw.
 *
 * @example
 * requestLimit(1000, 50); // somewhere from 1000 to 1050
 * requestLimit(1000, 50, () => 0.999); // 1050
 * requestLimit(0, 50); // 0: never
 */
export function requestLimit(
  maxRequests: number,
  jitter: number,
  random: () => number = Math.random,
): number {
  if (maxRequests <= 0) return 0;
  // floor(random * (jitter + 1)) is uniform over 0..jitter, both ends included, as randint is.
  return maxRequests + Math.min(jitter, Math.floor(random() * (jitter + 1)));
}

/**
 * Returns the function to call at the start of every request; it calls `reached` with the
 * count when the count reaches `limit`, and never again. A limit of 0 never calls it.
 *
 * @example
 * const countRequest = countRequests(requestLimit(1000, 50), (served) => askToRecycle(served));
 * server.on('request', countRequest);
 */
export function countRequests(limit: number, reached: (served: number) => void): () => void {
  let served = 0;
  return () => {
    served += 1;
    if (served === limit) reached(served);
  };
}
