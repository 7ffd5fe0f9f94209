// `corral/child`: what a Node module supervised by a corral tree calls to say how it is. Plain
// JavaScript, so a child written in JavaScript loads it without tsx; its types are in
// child-helper.d.mts. Safe outside a tree: without an IPC channel every call does nothing, so
// the same module also runs on its own. The messages are protocol/ipc-messages.ts's.

function send(message) {
  if (process.connected) process.send?.(message);
}

/** The child is up: with `ready: 'ipc'` in its spec, the next child starts only after this. */
export function ready() {
  send({ act: 'ready' });
}

/**
 * One sign of life. With `heartbeatTimeoutMs` in its spec, a child silent that long is killed
 * and restarted; call it from the work loop you want watched.
 */
export function heartbeat() {
  send({ act: 'heartbeat' });
}

/**
 * Sends a heartbeat every `intervalMs` from a timer on this event loop, so a blocked loop stops
 * beating. The timer does not keep the process alive; returns a function that stops it.
 */
export function heartbeatEvery(intervalMs = 1_000) {
  const timer = setInterval(heartbeat, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The child's path in the tree (`root/jobs/consumer`), or undefined when not run by corral. */
export function childPath() {
  return process.env.CORRAL_CHILD;
}
