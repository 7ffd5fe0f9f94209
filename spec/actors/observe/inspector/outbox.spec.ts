import test from 'ava';
import { createOutbox } from '../../../../actors/observe/inspector/outbox.ts';

test('past the message limit the oldest are dropped and counted', (t) => {
  const outbox = createOutbox({ maxMessages: 3, maxBytes: 1000 });
  for (const text of ['a', 'b', 'c', 'd', 'e']) outbox.push(text);
  t.is(outbox.size, 3);
  t.is(outbox.dropped, 2);
  t.deepEqual(outbox.drain(), ['c', 'd', 'e']);
  t.is(outbox.size, 0);
});

test('past the size limit the oldest are dropped, even a lone message too big to keep', (t) => {
  const outbox = createOutbox({ maxMessages: 100, maxBytes: 10 });
  outbox.push('12345');
  outbox.push('67890');
  outbox.push('abc');
  t.deepEqual(outbox.drain(), ['67890', 'abc']);
  outbox.push('x'.repeat(11));
  t.is(outbox.size, 0);
  t.is(outbox.dropped, 2);
});

test('it knows whose registrations still wait, and forgets those it dropped', (t) => {
  const outbox = createOutbox({ maxMessages: 2, maxBytes: 1000 });
  outbox.push('actor x:0', 'x:0');
  outbox.push('event');
  t.true(outbox.registers('x:0'));
  outbox.push('event 2');
  t.false(outbox.registers('x:0'));
  outbox.push('actor x:1', 'x:1');
  outbox.drain();
  t.false(outbox.registers('x:1'));
});
