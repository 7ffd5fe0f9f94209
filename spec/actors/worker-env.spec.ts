import test from 'ava';
import { workerEnv } from '../../actors/worker-env.ts';

test('assignments go over the base, split at the first =, empty values allowed', (t) => {
  const base = { HOME: '/root', X: 'old' };
  t.deepEqual(workerEnv(base, ['X=a=b', 'EMPTY=']), { HOME: '/root', X: 'a=b', EMPTY: '' });
  t.deepEqual(base, { HOME: '/root', X: 'old' }, 'the base is not changed');
});
