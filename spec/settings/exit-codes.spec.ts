import test from 'ava';
import { ExitCode, isBootFailureCode } from '../../protocol/exit-codes.ts';

test('boot failure codes are exactly 3 and 4', (t) => {
  t.true(isBootFailureCode(ExitCode.WorkerBootError));
  t.true(isBootFailureCode(ExitCode.AppLoadError));
  t.false(isBootFailureCode(0));
  t.false(isBootFailureCode(1));
  t.false(isBootFailureCode(null));
});
