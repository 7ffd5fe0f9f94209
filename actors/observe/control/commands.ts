/**
 * The control commands, shared by `corral ctl` (through the control socket) and the status
 * page's buttons: each one sends the arbiter the same events as the signal it replaces, then
 * reads the arbiter's snapshot to tell whether the master took it, and answers with why not.
 *
 * | command       | events                         | accepted when                            |
 * | ------------- | ------------------------------ | ---------------------------------------- |
 * | `status`      | none                           | always: the answer carries the view      |
 * | `add N`       | N × `signal.ttin`              | the target grew by N                     |
 * | `remove N`    | N × `signal.ttou`              | the target shrank by N (never below 1)   |
 * | `scale N`     | the difference, TTIN or TTOU   | the target is N                          |
 * | `reload`      | `signal.hup`                   | a reload started, or one is queued       |
 * | `reopen-logs` | `signal.usr1`                  | the master is running                    |
 * | `stop`        | `signal.term` / `signal.quit`  | the master was serving (or stopping gracefully, for a quick stop) |
 *
 * @example
 * const request = parseControlRequest(JSON.parse(line));
 * if (typeof request === 'string') return reply({ ok: false, error: request });
 * const answer = await runControlCommand(observation, request, { signal });
 * res.end(JSON.stringify(answer), () => answer.afterAnswer?.());
 */
import type { ActorRefFrom } from 'xstate';
import type { ArbiterEmitted, ArbiterMachine } from '../../../machines/arbiter-machine.ts';
import type { ObservedView, Observation } from '../observation.ts';

export type ControlRequest =
  | { command: 'status' }
  | { command: 'add'; count: number }
  | { command: 'remove'; count: number }
  | { command: 'scale'; workers: number }
  | { command: 'reload'; wait?: boolean }
  | { command: 'reopen-logs' }
  | { command: 'stop'; quick?: boolean };

export type ControlCommandName = ControlRequest['command'];

export const CONTROL_COMMANDS: readonly ControlCommandName[] = [
  'status',
  'add',
  'remove',
  'scale',
  'reload',
  'reopen-logs',
  'stop',
];

/** What goes back on the wire: JSON, without `afterAnswer`. */
export type ControlReply =
  { ok: true; message: string; view?: ObservedView } | { ok: false; error: string };

/**
 * A command's answer. `afterAnswer`, when present, must be called once the answer has been
 * written out: `stop` sends its event there, so the client hears back before the master exits.
 */
export type ControlAnswer = ControlReply & { afterAnswer?: () => void };

export interface RunOptions {
  /** Ends a `reload --wait` early (the client went away, the part is stopping). */
  signal?: AbortSignal;
}

type Arbiter = ActorRefFrom<ArbiterMachine>;

const refuse = (error: string): ControlAnswer => ({ ok: false, error });
const accept = (message: string) => ({ ok: true as const, message });

/** Checks a request that came as JSON; returns the request, or what is wrong with it. */
export function parseControlRequest(value: unknown): ControlRequest | string {
  if (typeof value !== 'object' || value === null) return 'a request is a JSON object';
  const request = value as Record<string, unknown>;
  const command = request['command'];
  if (!CONTROL_COMMANDS.includes(command as ControlCommandName)) {
    return `unknown command ${JSON.stringify(command)}; known: ${CONTROL_COMMANDS.join(', ')}`;
  }
  switch (command) {
    case 'add':
    case 'remove':
      return (
        countOf(request['count'], 'count', 1) ?? { command, count: request['count'] as number }
      );
    case 'scale':
      return (
        countOf(request['workers'], 'workers', 1) ?? {
          command,
          workers: request['workers'] as number,
        }
      );
    case 'reload':
      return { command, wait: request['wait'] === true };
    case 'stop':
      return { command, quick: request['quick'] === true };
    default:
      return { command: command as 'status' | 'reopen-logs' };
  }
}

function countOf(value: unknown, name: string, min: number): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min) return undefined;
  return `${name} must be a whole number of at least ${min}, not ${JSON.stringify(value)}`;
}

/** Runs one command against the observed master. Never throws: a refusal is an answer. */
export async function runControlCommand(
  observation: Observation,
  request: ControlRequest,
  options: RunOptions = {},
): Promise<ControlAnswer> {
  const arbiter = observation.arbiter;
  if (arbiter === undefined) return refuse('the master has not started yet');
  if (request.command === 'status') return { ...accept('status'), view: observation.view() };
  const unavailable = notServing(arbiter);
  if (unavailable !== null && request.command !== 'stop') return refuse(unavailable);
  switch (request.command) {
    case 'add':
      return scaleTo(arbiter, arbiter.getSnapshot().context.target + request.count);
    case 'remove':
      return scaleTo(arbiter, arbiter.getSnapshot().context.target - request.count);
    case 'scale':
      return scaleTo(arbiter, request.workers);
    case 'reload':
      return reload(observation, arbiter, request.wait === true, options.signal);
    case 'reopen-logs':
      arbiter.send({ type: 'signal.usr1' });
      return accept('the master and every worker reopen their log files');
    case 'stop':
      return stop(arbiter, request.quick === true);
  }
}

/** Why the master cannot take a command that changes its workers, or null if it can. */
function notServing(arbiter: Arbiter): string | null {
  const snapshot = arbiter.getSnapshot();
  if (snapshot.status !== 'active' || snapshot.matches('halted')) return 'the master has stopped';
  if (snapshot.matches('stopping')) return 'the master is stopping';
  return null;
}

function scaleTo(arbiter: Arbiter, wanted: number): ControlAnswer {
  const before = arbiter.getSnapshot().context.target;
  // TTOU's own floor (machines/arbiter-setup.ts `scaleBy`): refused whole, not half done.
  if (wanted < 1) {
    return refuse(`cannot go below 1 worker (the target is ${before})`);
  }
  if (wanted === before) return accept(`the target is already ${before} workers`);
  const type = wanted > before ? 'signal.ttin' : 'signal.ttou';
  for (let i = Math.abs(wanted - before); i > 0; i -= 1) arbiter.send({ type });
  const after = arbiter.getSnapshot().context;
  if (after.target !== wanted) {
    return refuse(`the master kept its target at ${after.target} workers (asked for ${wanted})`);
  }
  const paused = after.paused ? ' (paused by WINCH: no workers run until a reload)' : '';
  return accept(`target ${before} → ${wanted} workers${paused}`);
}

async function reload(
  observation: Observation,
  arbiter: Arbiter,
  wait: boolean,
  signal: AbortSignal | undefined,
): Promise<ControlAnswer> {
  const wasQueued = arbiter.getSnapshot().context.reloadQueued;
  let started: number | null = null;
  const stopListening = observation.onEmitted((event) => {
    if (event.type === 'reload.started') started ??= event.generation;
  });
  arbiter.send({ type: 'signal.hup' });
  stopListening();
  const snapshot = arbiter.getSnapshot();
  const queued = started === null && snapshot.context.reloadQueued;
  if (started === null && !queued) return refuse('the master did not start a reload');
  if (!wait) {
    if (started !== null) return accept(`reload of generation ${started} started`);
    return accept(
      wasQueued
        ? 'a reload was already queued after the one under way'
        : 'queued after the reload under way',
    );
  }
  return waitForReload(observation, started, signal);
}

/** Answers with the end of the reload of `generation` (or of the next one to start, if null). */
function waitForReload(
  observation: Observation,
  generation: number | null,
  signal: AbortSignal | undefined,
): Promise<ControlAnswer> {
  return new Promise((resolve) => {
    let awaited = generation;
    const finish = (answer: ControlAnswer) => {
      stopListening();
      signal?.removeEventListener('abort', aborted);
      resolve(answer);
    };
    const aborted = () => finish(refuse('stopped waiting for the reload'));
    const stopListening = observation.onEmitted((event) => {
      const end = reloadEnd(event, awaited);
      if (event.type === 'reload.started' && awaited === null) awaited = event.generation;
      if (end !== null) finish(end);
    });
    if (signal?.aborted === true) aborted();
    else signal?.addEventListener('abort', aborted, { once: true });
  });
}

function reloadEnd(event: ArbiterEmitted, generation: number | null): ControlAnswer | null {
  if (event.type === 'arbiter.stopping') {
    return refuse('the master began to stop before the reload finished');
  }
  if (generation === null || !('generation' in event) || event.generation !== generation) {
    return null;
  }
  if (event.type === 'reload.done') {
    return accept(`reload of generation ${generation} done: ${event.workers} workers ready`);
  }
  if (event.type === 'reload.failed') {
    return refuse(`reload of generation ${generation} rolled back: ${event.reason}`);
  }
  return null;
}

function stop(arbiter: Arbiter, quick: boolean): ControlAnswer {
  const snapshot = arbiter.getSnapshot();
  if (snapshot.status !== 'active' || snapshot.matches('halted')) {
    return refuse('the master has stopped');
  }
  const mode = quick ? 'quick' : 'graceful';
  if (snapshot.matches('stopping')) {
    // A quick stop still hurries a graceful one along, as QUIT does.
    if (!quick || snapshot.context.stopMode === 'quick') {
      return refuse(`the master is already stopping (${snapshot.context.stopMode ?? mode})`);
    }
  }
  const type = quick ? 'signal.quit' : 'signal.term';
  return {
    ...accept(`the master stops (${mode})`),
    afterAnswer: () => arbiter.send({ type }),
  };
}
