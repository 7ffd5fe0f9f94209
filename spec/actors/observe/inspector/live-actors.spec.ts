import test from 'ava';
import type { StatelyInspectionEvent } from '@statelyai/inspect';
import { createLiveActors } from '../../../../actors/observe/inspector/live-actors.ts';

const base = { createdAt: '0', id: null as unknown as string, _version: '0.7.2', rootId: 'x:0' };
const actor = (sessionId: string, parentId?: string): StatelyInspectionEvent => ({
  ...base,
  type: '@xstate.actor',
  name: sessionId,
  sessionId,
  parentId,
  definition: undefined,
  snapshot: { status: 'active', value: 'booting' },
});
const snapshot = (sessionId: string, status: string, value: string): StatelyInspectionEvent =>
  ({
    ...base,
    type: '@xstate.snapshot',
    sessionId,
    event: { type: 'e' },
    snapshot: { status, value },
  }) as unknown as StatelyInspectionEvent;

test('a registration follows its actor to its latest snapshot', (t) => {
  const live = createLiveActors();
  live.record(actor('x:0'));
  live.record(snapshot('x:0', 'active', 'running'));
  t.like(live.registrations()[0], { sessionId: 'x:0', snapshot: { value: 'running' } });
});

test('an actor that is done is forgotten, with every actor under it', (t) => {
  const live = createLiveActors();
  live.record(actor('x:0'));
  live.record(actor('x:2', 'x:0'));
  live.record(actor('x:3', 'x:2'));
  live.record(actor('x:4', 'x:0'));
  live.record(snapshot('x:2', 'done', 'exited'));
  t.deepEqual(
    live.registrations().map((r) => r.sessionId),
    ['x:0', 'x:4'],
  );
});
