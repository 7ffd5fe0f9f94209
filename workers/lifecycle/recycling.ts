/**
 * Puts the two recycling rules of a worker together (max-requests, max-worker-memory) behind
 * one `recycle` request to the master. One request is enough: the master then starts a
 * replacement and, once it is ready, stops this worker gracefully. Until then the worker
 * serves as usual, so capacity never dips.
 */
import type { RecycleReason, WorkerMessage } from '../../protocol/ipc-messages.ts';
import type { WorkerBootConfig } from '../../protocol/worker-boot.ts';
import { countRequests, requestLimit } from './max-requests.ts';
import { watchMemoryCeiling } from './memory-ceiling.ts';

export interface Recycling {
  /** Call once the worker is ready: the master only acts on a request from a serving worker. */
  serving(): void;
  /** Call at the start of every request. */
  onRequest(): void;
  /** Whether `onRequest` counts anything: with max-requests off it need not be called. */
  readonly countsRequests: boolean;
  /** Call on every heartbeat; memory is checked once the worker is serving. */
  onHeartbeat(): void;
}

export interface RecyclingOptions {
  config: Pick<WorkerBootConfig, 'maxRequests' | 'maxRequestsJitter' | 'maxWorkerMemoryMb'>;
  send: (message: Extract<WorkerMessage, { act: 'recycle' }>) => void;
  random?: () => number;
  readRss?: () => number;
}

/**
 * @example
 * const recycling = createRecycling({ config, send: postToMaster });
 * startHeartbeat(config.heartbeatMs, recycling.onHeartbeat);
 * server.on('request', recycling.onRequest);
 * server.listen(fd, () => recycling.serving());
 */
export function createRecycling(options: RecyclingOptions): Recycling {
  const { config } = options;
  let asked = false;
  let serving = false;
  const ask = (reason: RecycleReason, detail: string): void => {
    if (asked) return;
    asked = true;
    options.send({ act: 'recycle', reason, detail });
  };
  const limit = requestLimit(config.maxRequests, config.maxRequestsJitter, options.random);
  const checkMemory = watchMemoryCeiling({
    ceilingMb: config.maxWorkerMemoryMb,
    exceeded: (detail) => ask('memory', detail),
    readRss: options.readRss,
  });
  return {
    serving: () => void (serving = true),
    onRequest: countRequests(limit, (served) => ask('max-requests', `served ${served} requests`)),
    countsRequests: limit > 0,
    onHeartbeat: () => {
      if (serving) checkMemory();
    },
  };
}
