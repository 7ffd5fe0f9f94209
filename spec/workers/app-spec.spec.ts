// APP_MODULE parsing: module, `:export`, `:factory()` with JSON-literal arguments.
import test from 'ava';
import { parseAppSpec } from '../../workers/app/app-spec.ts';

test('a bare module', (t) => {
  t.deepEqual(parseAppSpec('app.js'), { ok: true, module: 'app.js' });
  t.deepEqual(parseAppSpec('@scope/pkg/server'), { ok: true, module: '@scope/pkg/server' });
});

test('a module with an export', (t) => {
  t.deepEqual(parseAppSpec('./app.mjs:handler'), {
    ok: true,
    module: './app.mjs',
    exportName: 'handler',
  });
});

test('a factory call, with and without JSON arguments', (t) => {
  t.like(parseAppSpec('server.ts:createApp()'), {
    module: 'server.ts',
    exportName: 'createApp',
    call: { args: [] },
  });
  t.like(parseAppSpec('server.ts:createApp("a:b", 2, {"x": [true]})'), {
    module: 'server.ts',
    call: { args: ['a:b', 2, { x: [true] }] },
  });
});

test('arguments that are not JSON are refused with a reason', (t) => {
  t.like(parseAppSpec('app.js:make(port)'), { ok: false });
});

test('an empty spec is refused', (t) => {
  t.like(parseAppSpec('  '), { ok: false });
});
