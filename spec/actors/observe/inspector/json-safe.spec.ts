import test from 'ava';
import { toJsonText } from '../../../../actors/observe/inspector/json-safe.ts';

const parse = (value: unknown, depth = 16, breadth?: number) =>
  JSON.parse(toJsonText(value, breadth === undefined ? { depth } : { depth, breadth })) as unknown;

test('plain data goes through as JSON.stringify would write it', (t) => {
  const value = { a: 1, b: 'two', c: [true, null], d: { e: 2.5 } };
  t.deepEqual(parse(value), value);
});

test('nesting past the depth limit is cut with a marker, still valid JSON', (t) => {
  t.deepEqual(parse({ a: { b: { c: { d: 1 } }, list: [[1]] } }, 2), {
    a: { b: '[Object]', list: '[Array]' },
  });
});

test('a cycle becomes "[Circular]" instead of throwing', (t) => {
  const node: Record<string, unknown> = { name: 'n' };
  node.self = node;
  node.list = [node];
  t.deepEqual(parse(node), { name: 'n', self: '[Circular]', list: ['[Circular]'] });
});

test('a shared object that is not a cycle is written at each place', (t) => {
  const shared = { x: 1 };
  t.deepEqual(parse({ a: shared, b: shared }), { a: { x: 1 }, b: { x: 1 } });
});

test('values JSON garbles keep something readable', (t) => {
  const error = Object.assign(new Error('boom'), { code: 'EBOOM' });
  t.deepEqual(
    parse({
      error,
      map: new Map([['k', 1]]),
      set: new Set([1, 2]),
      big: 10n ** 20n,
      buffer: Buffer.from('abc'),
      nan: Number.NaN,
      fn: () => 1,
      missing: undefined,
      when: new Date(0),
    }),
    {
      error: { name: 'Error', message: 'boom', code: 'EBOOM' },
      map: { k: 1 },
      set: [1, 2],
      big: '100000000000000000000',
      buffer: '[Buffer of 3 bytes]',
      nan: 'NaN',
      when: '1970-01-01T00:00:00.000Z',
    },
  );
});

test('toJSON is honoured (actor refs and machine snapshots define one)', (t) => {
  t.deepEqual(parse({ ref: { toJSON: () => ({ id: 'worker-1' }) } }), { ref: { id: 'worker-1' } });
});

test('very wide arrays and objects are cut with a count', (t) => {
  t.deepEqual(parse([1, 2, 3, 4], 16, 2), [1, 2, '[2 more]']);
  t.deepEqual(parse({ a: 1, b: 2, c: 3 }, 16, 2), { a: 1, b: 2, '…': '1 more keys' });
});
