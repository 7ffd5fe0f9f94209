import test from 'ava';
import { readFileSync } from 'node:fs';
import * as errors from '../../errors.ts';

interface DocumentedError {
  code: string;
  className: string;
  exitCode: number;
}

function documentedErrors(): DocumentedError[] {
  const text = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  // Prettier pads the table's cells, so spaces between the bars vary.
  const rows = text.matchAll(/^\|\s*`(\w+)`\s*\|\s*`(\w+)`\s*\|\s*(\d+)\s*\|/gm);
  return [...rows].map(([, code = '', className = '', exitCode = '']) => ({
    code,
    className,
    exitCode: Number(exitCode),
  }));
}

/** Every concrete CorralError class errors.ts exports, made with throwaway arguments. */
function declaredErrors(): DocumentedError[] {
  const classes = Object.entries(errors).filter(
    ([, value]) =>
      typeof value === 'function' &&
      value.prototype instanceof errors.CorralError &&
      value !== errors.CorralError,
  );
  return classes.map(([className, value]) => {
    const instance = new (value as new (...args: string[]) => errors.CorralError)('a', 'b');
    return { code: instance.code, className, exitCode: instance.exitCode };
  });
}

const byCode = (a: DocumentedError, b: DocumentedError): number => a.code.localeCompare(b.code);

test('docs/errors.md lists every error in errors.ts with its class and exit code', (t) => {
  const declared = declaredErrors().sort(byCode);
  t.true(declared.length > 0);
  t.deepEqual(documentedErrors().sort(byCode), declared);
});

test('every error code is unique', (t) => {
  const codes = declaredErrors().map((error) => error.code);
  t.is(new Set(codes).size, codes.length);
});
