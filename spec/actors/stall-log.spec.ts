import test from 'ava';
import { describeStall } from '../../actors/stall-log.ts';
import type { StallReport } from '../../protocol/stall-report.ts';

const event = (report: Partial<StallReport>) => ({
  type: 'worker.stall' as const,
  workerId: 1,
  pid: 42,
  report: {
    act: 'stall' as const,
    stalledMs: 1_500,
    phase: 'serving' as const,
    stack: [],
    inFlight: [],
    ...report,
  },
});

test('names the request in flight and where the loop is stuck', (t) => {
  const line = describeStall(
    event({
      inFlight: [{ method: 'GET', url: '/spin', runningMs: 1_400 }],
      stack: [
        { functionName: 'crunch', url: '/srv/app.mjs', line: 12, column: 5 },
        { functionName: 'handle', url: '/srv/app.mjs', line: 30, column: 3 },
      ],
    }),
  );
  t.is(
    line,
    'Worker 1 (pid:42) event loop stalled for 1.5 s while serving GET /spin (running 1.4 s); stuck at: crunch (/srv/app.mjs:12:5) <- handle (/srv/app.mjs:30:3)',
  );
});

test('lists at most three requests and clips long URLs', (t) => {
  const inFlight = Array.from({ length: 5 }, (_, i) => ({
    method: 'GET',
    url: `/r${i}${'x'.repeat(300)}`,
    runningMs: 100,
  }));
  const line = describeStall(event({ inFlight }));
  t.regex(line, /and 2 more;/);
  t.false(line.includes('x'.repeat(201)));
  t.regex(line, /the stack could not be taken/);
});

test('a stall while booting says so', (t) => {
  t.regex(describeStall(event({ phase: 'boot' })), /while loading the app/);
});
