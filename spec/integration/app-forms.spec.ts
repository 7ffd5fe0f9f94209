import test from 'ava';
import { fileURLToPath } from 'node:url';
import { get, repoRoot, startCorral } from './corral-process.ts';

const appsDir = fileURLToPath(new URL('../fixtures/apps/', import.meta.url));

const forms = [
  { app: 'examples/hello.ts', says: /Hello from worker \d+/ },
  { app: 'examples/fetch.mjs', says: /Hello from worker \d+ at \// },
  { app: 'examples/express.mjs', says: /Hello from worker \d+/ },
  { app: `${appsDir}factory.ts:createApp()`, says: /factory/ },
];

for (const form of forms) {
  test.serial(
    `serves ${form.app.replace(appsDir, 'spec/fixtures/apps/')} without a build step`,
    async (t) => {
      const corral = startCorral(t, [form.app, '-b', '127.0.0.1:0'], { cwd: repoRoot });
      const port = await corral.port();
      await corral.waitFor(/Ready: 1 worker serving/);
      const { status, body } = await get(port);
      t.is(status, 200);
      t.regex(body, form.says);
      corral.signal('SIGTERM');
      t.is((await corral.exited).code, 0);
    },
  );
}
