import test from 'ava';
import { childPids, app, startCorral } from './corral-process.ts';

const cases = [
  {
    title: 'an app file that does not exist',
    app: app('no-such-app.mjs'),
    code: 3,
    says: /no-such-app\.mjs/,
  },
  {
    title: 'an app that throws on import',
    app: app('throws-on-import.mjs'),
    code: 3,
    says: /throws-on-import\.mjs[\s\S]*database URL is not configured/,
  },
  {
    title: 'an app without a usable export',
    app: app('no-usable-export.mjs'),
    code: 4,
    says: /no-usable-export\.mjs/,
  },
  {
    title: 'an app that names a missing export',
    app: `${app('pid-app.mjs')}:nothingHere`,
    code: 4,
    says: /nothingHere/,
  },
];

for (const c of cases) {
  test.serial(`${c.title} halts the master with exit ${c.code} and says why`, async (t) => {
    const corral = startCorral(t, [c.app, '-w', '2', '-b', '127.0.0.1:0']);
    const workersSeen = corral.workerPids;
    const { code } = await corral.exited;
    t.is(code, c.code);
    t.regex(corral.output(), c.says);
    t.regex(corral.output(), /Reason: /);
    t.deepEqual(await childPids(corral.child.pid!), []);
    t.true(workersSeen().length >= 1);
  });
}

test.serial(
  'an app whose import hangs is caught by boot-timeout and halts with exit 3',
  async (t) => {
    const corral = startCorral(t, [
      app('hangs-on-boot.mjs'),
      '--boot-timeout',
      '2',
      '-b',
      '127.0.0.1:0',
    ]);
    const { code } = await corral.exited;
    t.is(code, 3);
    t.regex(corral.output(), /WORKER BOOT TIMEOUT \(pid:\d+\)/);
    t.regex(corral.output(), /Reason: .*did not become ready within 2 s \(boot-timeout\)/);
  },
);
