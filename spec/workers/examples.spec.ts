// The apps in examples/ load and answer, as the README's `npx corral examples/hello.js` expects.
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { loadApp } from '../../workers/app/load-app.ts';
import { get } from '../helpers/http-client.ts';
import { serveInProcess } from '../helpers/serve-in-process.ts';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));

for (const example of ['hello.js', 'fetch.mjs', 'hello.ts', 'express.mjs', 'stuck.mjs']) {
  test(`examples/${example} says hello`, async (t) => {
    const loaded = await loadApp(example, examples);
    if (!loaded.ok) return t.fail(loaded.reason);
    if (loaded.listener === undefined) return t.fail('served as a server, not a listener');
    const port = await serveInProcess(t, loaded.listener);
    const response = await get(port, '/');
    t.is(response.status, 200);
    t.regex(response.body, new RegExp(`^Hello from worker ${process.pid}`));
  });
}
