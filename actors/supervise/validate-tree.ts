/**
 * Checks a supervision tree's spec before anything starts: every problem is named by its field
 * (`children[1].restart`), all of them in one {@link SupervisorSpecError}. A module or command
 * that is not there is found here too, not as a crash loop later.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { CorralError, SupervisorSpecError } from '../../errors.ts';
import { RESTART_TYPES, STRATEGIES } from '../../machines/supervisor/supervisor-types.ts';
import { settingsFromProgram, type SettingsInput } from '../../settings/program-settings.ts';
import { kindOf, type SupervisorSpec } from './tree-spec.ts';

type Problems = string[];
type Fields = Record<string, unknown>;

const ID = /^[\w.-]+$/;
const SUPERVISOR_KEYS = [
  'id',
  'strategy',
  'intensity',
  'periodMs',
  'backoffMaxMs',
  'restart',
  'children',
  'template',
];
const PROCESS_KEYS = [
  'id',
  'module',
  'command',
  'args',
  'env',
  'cwd',
  'restart',
  'shutdown',
  'ready',
  'readyTimeoutMs',
  'heartbeatTimeoutMs',
  'stdio',
];
const POOL_KEYS = ['id', 'http', 'restart'];

/**
 * @throws {SupervisorSpecError} naming every bad field
 * @example
 * validateTree({ children: [{ id: 'jobs', module: './jobs.mjs', restart: 'sometimes' }] });
 * // SupervisorSpecError: children[0].restart: unknown restart type "sometimes" (permanent, transient, temporary)
 */
export function validateTree(spec: SupervisorSpec, env: NodeJS.ProcessEnv = process.env): void {
  const problems: Problems = [];
  if (!isObject(spec)) problems.push('the tree: expected an object with children');
  else checkSupervisor(spec, '', problems, env, [spec], true);
  if (problems.length > 0) throw new SupervisorSpecError(problems.join('\n'));
}

function checkSupervisor(
  spec: Fields,
  at: string,
  problems: Problems,
  env: NodeJS.ProcessEnv,
  ancestors: object[],
  root: boolean,
): void {
  const field = (name: string) => (at === '' ? name : `${at}.${name}`);
  unknownKeys(spec, SUPERVISOR_KEYS, at, problems);
  if (root && spec.id !== undefined) checkId(spec.id, field('id'), problems);
  oneOf(spec.strategy, STRATEGIES, field('strategy'), 'strategy', problems);
  if (!root) oneOf(spec.restart, RESTART_TYPES, field('restart'), 'restart type', problems);
  else if (spec.restart !== undefined)
    problems.push('restart: the root has no supervisor to restart it');
  count(spec.intensity, field('intensity'), problems, 0);
  count(spec.periodMs, field('periodMs'), problems, 1);
  count(spec.backoffMaxMs, field('backoffMaxMs'), problems, 0);
  const children = spec.children ?? [];
  if (!Array.isArray(children))
    return void problems.push(`${field('children')}: expected an array`);
  const dynamic = spec.strategy === 'simple_one_for_one';
  if (dynamic && children.length > 0)
    problems.push(
      `${field('children')}: simple_one_for_one starts its children from template only`,
    );
  if (dynamic && spec.template === undefined)
    problems.push(`${field('template')}: simple_one_for_one needs a template to add children from`);
  if (!dynamic && spec.template !== undefined)
    problems.push(`${field('template')}: only simple_one_for_one has a template`);
  if (spec.template !== undefined) {
    const template = spec.template;
    if (!isObject(template) || kindOf(template) !== 'process')
      problems.push(`${field('template')}: expected a process child (module or command)`);
    else checkProcess({ id: 'template', ...template }, field('template'), problems, env);
  }
  const seen = new Set<string>();
  children.forEach((child: unknown, index: number) => {
    const where = `${field('children')}[${index}]`;
    if (!isObject(child)) return void problems.push(`${where}: expected an object`);
    if (checkId(child.id, `${where}.id`, problems)) {
      if (seen.has(child.id as string))
        problems.push(`${where}.id: duplicate child id "${String(child.id)}"`);
      seen.add(child.id as string);
    }
    checkChild(child, where, problems, env, ancestors);
  });
}

function checkChild(
  child: Fields,
  where: string,
  problems: Problems,
  env: NodeJS.ProcessEnv,
  ancestors: object[],
): void {
  const kind = kindOf(child);
  if (kind === null) {
    problems.push(
      `${where}: give module or command (a process), http (a pool) or children (a supervisor)`,
    );
  } else if (kind === 'process') {
    checkProcess(child, where, problems, env);
  } else if (kind === 'pool') {
    checkPool(child, where, problems);
  } else if (ancestors.includes(child)) {
    problems.push(`${where}: a cycle: this supervisor contains itself`);
  } else {
    checkSupervisor(child, where, problems, env, [...ancestors, child], false);
  }
}

function checkProcess(spec: Fields, at: string, problems: Problems, env: NodeJS.ProcessEnv): void {
  const field = (name: string) => `${at}.${name}`;
  unknownKeys(spec, PROCESS_KEYS, at, problems);
  oneOf(spec.restart, RESTART_TYPES, field('restart'), 'restart type', problems);
  const cwd = typeof spec.cwd === 'string' ? resolve(spec.cwd) : process.cwd();
  if (spec.cwd !== undefined && (typeof spec.cwd !== 'string' || !isDirectory(cwd)))
    problems.push(`${field('cwd')}: no such directory: ${String(spec.cwd)}`);
  if (spec.module !== undefined && spec.command !== undefined)
    problems.push(`${at}: give module or command, not both`);
  else if (spec.module !== undefined) checkModule(spec.module, cwd, field('module'), problems);
  else
    checkCommand(
      spec.command,
      cwd,
      { ...env, ...(spec.env as Fields) },
      field('command'),
      problems,
    );
  strings(spec.args, field('args'), problems);
  if (
    spec.env !== undefined &&
    (!isObject(spec.env) || Object.values(spec.env).some((v) => typeof v !== 'string'))
  )
    problems.push(`${field('env')}: expected an object of strings`);
  if (spec.shutdown !== undefined && spec.shutdown !== 'brutal_kill')
    count(spec.shutdown, field('shutdown'), problems, 0, 'brutal_kill or a number of ms');
  checkReady(spec, field('ready'), problems);
  count(spec.readyTimeoutMs, field('readyTimeoutMs'), problems, 0);
  count(spec.heartbeatTimeoutMs, field('heartbeatTimeoutMs'), problems, 0);
  if (
    typeof spec.heartbeatTimeoutMs === 'number' &&
    spec.heartbeatTimeoutMs > 0 &&
    spec.module === undefined
  )
    problems.push(`${field('heartbeatTimeoutMs')}: only a module child can send heartbeats`);
  oneOf(spec.stdio, ['inherit', 'ignore'], field('stdio'), 'stdio', problems);
}

function checkReady(spec: Fields, field: string, problems: Problems): void {
  const ready = spec.ready;
  if (ready === undefined || ready === 'spawn') return;
  if (ready === 'ipc') {
    if (spec.module === undefined)
      problems.push(`${field}: only a module child can say it is ready over IPC`);
    return;
  }
  if (isObject(ready) && typeof ready.afterMs === 'number' && ready.afterMs >= 0) return;
  problems.push(`${field}: expected 'spawn', 'ipc' or { afterMs: number }`);
}

function checkPool(spec: Fields, at: string, problems: Problems): void {
  unknownKeys(spec, POOL_KEYS, at, problems);
  oneOf(spec.restart, RESTART_TYPES, `${at}.restart`, 'restart type', problems);
  if (!isObject(spec.http)) return void problems.push(`${at}.http: expected the server's settings`);
  try {
    settingsFromProgram(spec.http as unknown as SettingsInput, process.env);
  } catch (error) {
    if (!(error instanceof CorralError)) throw error;
    for (const line of error.message.split('\n')) problems.push(`${at}.http: ${line}`);
  }
}

function checkModule(module: unknown, cwd: string, field: string, problems: Problems): void {
  if (typeof module !== 'string' || module === '')
    return void problems.push(`${field}: expected a path`);
  if (!isFile(resolve(cwd, module))) problems.push(`${field}: no such module: ${module}`);
}

function checkCommand(
  command: unknown,
  cwd: string,
  env: Fields,
  field: string,
  problems: Problems,
): void {
  if (typeof command !== 'string' || command === '')
    return void problems.push(`${field}: expected a program`);
  const found = command.includes('/')
    ? executable(isAbsolute(command) ? command : resolve(cwd, command))
    : String(env.PATH ?? '')
        .split(delimiter)
        .some((dir) => dir !== '' && executable(join(dir, command)));
  if (!found)
    problems.push(
      `${field}: no such program: ${command}${command.includes('/') ? '' : ' (not on PATH)'}`,
    );
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function checkId(id: unknown, field: string, problems: Problems): boolean {
  if (typeof id === 'string' && ID.test(id)) return true;
  problems.push(
    `${field}: expected an id of letters, digits, '_', '-' or '.' (it names the child in paths)`,
  );
  return false;
}

function oneOf(
  value: unknown,
  allowed: readonly string[],
  field: string,
  what: string,
  problems: Problems,
) {
  if (value === undefined || allowed.includes(value as string)) return;
  problems.push(`${field}: unknown ${what} ${JSON.stringify(value)} (${allowed.join(', ')})`);
}

function count(value: unknown, field: string, problems: Problems, min: number, expected?: string) {
  if (value === undefined) return;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min) return;
  problems.push(
    `${field}: expected ${expected ?? `a whole number of at least ${min}`}, got ${JSON.stringify(value)}`,
  );
}

function strings(value: unknown, field: string, problems: Problems) {
  if (value === undefined) return;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return;
  problems.push(`${field}: expected an array of strings`);
}

function unknownKeys(spec: Fields, known: string[], at: string, problems: Problems) {
  for (const key of Object.keys(spec)) {
    if (!known.includes(key)) problems.push(`${at === '' ? key : `${at}.${key}`}: unknown field`);
  }
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
