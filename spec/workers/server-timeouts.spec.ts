import test from 'ava';
import { createServer } from 'node:http';
import { serverTimeouts } from '../../workers/serving/server-timeouts.ts';

const cases = [
  { given: [10_000, 300_000], expected: [10_000, 300_000, 1_000], what: 'the defaults' },
  { given: [600, 300_000], expected: [600, 300_000, 300], what: 'a short headers timeout' },
  { given: [10_000, 4_000], expected: [4_000, 4_000, 1_000], what: 'headers above request' },
  { given: [10_000, 0], expected: [10_000, 0, 1_000], what: 'no request timeout' },
  { given: [0, 0], expected: [0, 0, 1_000], what: 'no timeouts at all' },
  { given: [0.5, 300_000], expected: [1, 300_000, 1], what: 'a fraction of a millisecond' },
];

for (const { given, expected, what } of cases) {
  test(`${what}: options Node accepts, checked often enough`, (t) => {
    const [headersTimeoutMs = 0, requestTimeoutMs = 0] = given;
    const options = serverTimeouts({ headersTimeoutMs, requestTimeoutMs });
    const [headersTimeout, requestTimeout, connectionsCheckingInterval] = expected;
    t.deepEqual(options, { headersTimeout, requestTimeout, connectionsCheckingInterval });
    t.notThrows(() => createServer(options).close());
  });
}
