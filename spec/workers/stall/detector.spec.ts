// When the watchdog reports: once per stall, at half of what the master allows the loop.
import test from 'ava';
import { createStallDetector, STALL_FRACTION } from '../../../workers/stall/detector.mjs';

const limits = { timeoutMs: 2000, bootTimeoutMs: 10_000, bootDeadlineMs: 10_000 };

test('the fraction is a half, leaving time to take the stack before the master acts', (t) => {
  t.is(STALL_FRACTION, 0.5);
});

test('serving: reports once the loop has been stuck for half the timeout', (t) => {
  const stalled = createStallDetector(limits);
  t.false(stalled(1000, 'serving', 1999));
  t.true(stalled(1000, 'serving', 2000));
});

test('one report per stall; a new stall after the loop turned is reported again', (t) => {
  const stalled = createStallDetector(limits);
  t.true(stalled(1000, 'serving', 2500));
  t.false(stalled(1000, 'serving', 2600));
  t.false(stalled(1000, 'serving', 9000));
  t.false(stalled(9500, 'serving', 9600), 'the loop turned at 9500: a new stall, not due yet');
  t.true(stalled(9500, 'serving', 10_500));
});

test('booting: half of what is left of the boot timeout when the loop stopped', (t) => {
  const stalled = createStallDetector(limits);
  // Stopped at 2000 with the deadline at 10000: 8000 left, reported after 4000.
  t.false(stalled(2000, 'boot', 5999));
  t.true(stalled(2000, 'boot', 6000));
});

test('a timeout of 0 (off) is never reported', (t) => {
  const off = createStallDetector({ timeoutMs: 0, bootTimeoutMs: 0, bootDeadlineMs: 0 });
  t.false(off(0, 'serving', 1e9));
  t.false(off(0, 'boot', 1e9));
});

test('a loop that stops after the boot deadline has nothing left to report against', (t) => {
  const stalled = createStallDetector(limits);
  t.false(stalled(11_000, 'boot', 1e9));
});
