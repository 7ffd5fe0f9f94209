// validateTree checks a supervision tree's spec before anything starts: each bad input below is
// one SupervisorSpecError (exit code 2) with one line per problem, each line starting with the
// field it is about.
import test from 'ava';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateTree } from '../../../actors/supervise/validate-tree.ts';
import type { SupervisorSpec } from '../../../actors/supervise/tree-spec.ts';
import { CorralError, SupervisorSpecError } from '../../../errors.ts';

const FIXTURES = 'spec/fixtures/supervise-actors';
const MODULE = `${FIXTURES}/record-start.mjs`;

// A file with no execute bit (chmod 644), for a command given by path. A directory of our own:
// what is executable under /etc differs between machines.
const scratch = mkdtempSync(join(tmpdir(), 'corral-validate-tree-'));
const notExecutable = join(scratch, 'not-executable.sh');
writeFileSync(notExecutable, '#!/bin/sh\nexit 0\n');
chmodSync(notExecutable, 0o644);
test.after.always(() => rmSync(scratch, { recursive: true, force: true }));

/** A supervisor spec object that contains itself. */
function cyclic(): unknown {
  const spec = { id: 'a', children: [] as unknown[] };
  spec.children.push(spec);
  return spec;
}

/** [the field each line names, what the line says about it], in the order they are reported. */
type Expected = Array<[field: string, says: RegExp]>;

const BAD: Array<{ title: string; spec: () => unknown; lines: Expected }> = [
  {
    title: 'an unknown strategy',
    spec: () => ({ strategy: 'one_for_some', children: [] }),
    lines: [['strategy', /unknown strategy "one_for_some" \(one_for_one, .*\)/]],
  },
  {
    title: 'an unknown restart type in a nested child',
    spec: () => ({
      children: [
        {
          id: 'jobs',
          strategy: 'one_for_all',
          children: [{ id: 'consumer', command: 'sleep', restart: 'sometimes' }],
        },
      ],
    }),
    lines: [['children[0].children[0].restart', /unknown restart type "sometimes"/]],
  },
  {
    title: 'a module file that is not there',
    spec: () => ({ children: [{ id: 'jobs', module: `${FIXTURES}/no-such-module.mjs` }] }),
    lines: [['children[0].module', /no such module: .*no-such-module\.mjs/]],
  },
  {
    title: 'a command not on PATH',
    spec: () => ({ children: [{ id: 'tool', command: 'corral-spec-no-such-program' }] }),
    lines: [['children[0].command', /corral-spec-no-such-program \(not on PATH\)/]],
  },
  {
    title: "a command not on the PATH of the child's own env",
    spec: () => ({ children: [{ id: 'tool', command: 'sleep', env: { PATH: scratch } }] }),
    lines: [['children[0].command', /no such program: sleep \(not on PATH\)/]],
  },
  {
    title: 'a command path that is not executable',
    spec: () => ({ children: [{ id: 'tool', command: notExecutable }] }),
    lines: [['children[0].command', /no such program: .*not-executable\.sh/]],
  },
  {
    title: 'both module and command',
    spec: () => ({ children: [{ id: 'tool', module: MODULE, command: 'sleep' }] }),
    lines: [['children[0]', /module or command, not both/]],
  },
  {
    title: 'neither module, command, http nor children',
    spec: () => ({ children: [{ id: 'tool', args: ['--once'] }] }),
    lines: [['children[0]', /module or command .*http .*children/]],
  },
  {
    title: 'a duplicate child id',
    spec: () => ({
      children: [
        { id: 'worker', command: 'sleep' },
        { id: 'worker', module: MODULE },
      ],
    }),
    lines: [['children[1].id', /duplicate child id "worker"/]],
  },
  {
    title: "an id with '/'",
    spec: () => ({ children: [{ id: 'jobs/consumer', command: 'sleep' }] }),
    lines: [['children[0].id', /expected an id of letters, digits/]],
  },
  {
    title: 'a nested supervisor that contains itself',
    spec: () => ({ children: [cyclic()] }),
    lines: [['children[0].children[0]', /cycle/]],
  },
  {
    title: 'a root that contains itself',
    spec: cyclic,
    lines: [['children[0]', /cycle/]],
  },
  {
    title: 'simple_one_for_one without a template',
    spec: () => ({ strategy: 'simple_one_for_one' }),
    lines: [['template', /simple_one_for_one needs a template/]],
  },
  {
    title: 'a template under one_for_one',
    spec: () => ({
      children: [{ id: 'dynamic', strategy: 'one_for_one', template: { id: 't', module: MODULE } }],
    }),
    lines: [['children[0].template', /only simple_one_for_one has a template/]],
  },
  {
    title: "ready: 'ipc' on a command",
    spec: () => ({ children: [{ id: 'tool', command: 'sleep', ready: 'ipc' }] }),
    lines: [['children[0].ready', /only a module child can say it is ready over IPC/]],
  },
  {
    title: 'heartbeatTimeoutMs on a command',
    spec: () => ({ children: [{ id: 'tool', command: 'sleep', heartbeatTimeoutMs: 1_000 }] }),
    lines: [['children[0].heartbeatTimeoutMs', /only a module child can send heartbeats/]],
  },
  {
    title: 'a negative intensity',
    spec: () => ({ intensity: -1, children: [] }),
    lines: [['intensity', /expected a whole number of at least 0, got -1/]],
  },
  {
    title: 'a shutdown that is not a whole number of ms',
    spec: () => ({ children: [{ id: 'tool', command: 'sleep', shutdown: 1.5 }] }),
    lines: [['children[0].shutdown', /expected brutal_kill or a number of ms, got 1\.5/]],
  },
  {
    title: 'an unknown field (a typo) on the root',
    spec: () => ({ restrat: 'one_for_all', children: [] }),
    lines: [['restrat', /unknown field/]],
  },
  {
    title: 'an unknown field (a typo) on a child',
    spec: () => ({ children: [{ id: 'tool', command: 'sleep', restrat: 'transient' }] }),
    lines: [['children[0].restrat', /unknown field/]],
  },
  {
    title: "bad HTTP settings in a pool, prefixed with the pool's field",
    spec: () => ({ children: [{ id: 'web', http: { app: 'examples/hello.js', workers: 0 } }] }),
    lines: [['children[0].http', /'workers'.*got 0/]],
  },
  {
    title: 'several problems at once, one line each',
    spec: () => ({
      strategy: 'one_for_some',
      children: [
        { id: 'a/b', command: 'sleep' },
        { id: 'jobs', module: `${FIXTURES}/no-such-module.mjs`, restart: 'sometimes' },
        { id: 'web', http: { app: 'examples/hello.js', workers: 0 } },
        { id: 'nothing' },
      ],
    }),
    lines: [
      ['strategy', /unknown strategy/],
      ['children[0].id', /expected an id/],
      ['children[1].restart', /unknown restart type "sometimes"/],
      ['children[1].module', /no such module/],
      ['children[2].http', /'workers'/],
      ['children[3]', /module or command/],
    ],
  },
];

for (const { title, spec, lines } of BAD) {
  test(`rejected: ${title}`, (t) => {
    const error = t.throws(() => validateTree(spec() as SupervisorSpec), {
      instanceOf: SupervisorSpecError,
    });
    if (error === undefined) return;
    t.true(error instanceof CorralError);
    t.is(error.code, 'ECORRAL_SUPERVISOR_SPEC');
    t.is(error.exitCode, 2);
    const reported = error.message.split('\n');
    t.is(reported.length, lines.length, error.message);
    lines.forEach(([field, says], index) => {
      const line = reported[index] ?? '';
      t.true(line.startsWith(`${field}: `), `line ${index} names ${field}: ${line}`);
      t.regex(line, says);
    });
  });
}

test('a good tree with every kind of child passes', (t) => {
  const good: SupervisorSpec = {
    id: 'app',
    strategy: 'one_for_one',
    intensity: 3,
    periodMs: 10_000,
    backoffMaxMs: 0,
    children: [
      { id: 'web', http: { app: 'examples/hello.js', workers: 1, bind: ['127.0.0.1:0'] } },
      {
        id: 'consumer',
        module: MODULE,
        args: ['--queue', 'jobs'],
        env: { SPEC_EXTRA: 'x' },
        cwd: '.',
        restart: 'transient',
        shutdown: 'brutal_kill',
        ready: 'ipc',
        readyTimeoutMs: 10_000,
        heartbeatTimeoutMs: 5_000,
        stdio: 'ignore',
      },
      { id: 'node', command: process.execPath, args: ['-e', ''], ready: { afterMs: 100 } },
      { id: 'sleeper', command: 'sleep', args: ['1'], shutdown: 0, restart: 'temporary' },
      {
        id: 'jobs',
        strategy: 'rest_for_one',
        restart: 'transient',
        children: [{ id: 'one', command: 'sleep', args: ['1'] }],
      },
      {
        id: 'dynamic',
        strategy: 'simple_one_for_one',
        template: { id: 'ignored', module: MODULE, ready: 'ipc' },
      },
    ],
  };
  t.notThrows(() => validateTree(good));
});

test('one spec object used at two places is not a cycle', (t) => {
  const shared = { id: 'shared', children: [{ id: 'tool', command: 'sleep' }] };
  t.notThrows(() => validateTree({ children: [shared, { id: 'other', children: [shared] }] }));
});
