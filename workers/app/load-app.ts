/**
 * Loads APP_MODULE inside a worker and turns it into a Node request listener, or says exactly
 * why it cannot, with the exit code the master acts on (3: importing threw, 4: no usable app).
 */
import { existsSync, statSync } from 'node:fs';
import type { RequestListener, Server } from 'node:http';
import { createRequire } from 'node:module';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ExitCode, type BootFailureCode } from '../../protocol/exit-codes.ts';
import { parseAppSpec, type AppSpec } from './app-spec.ts';
import { describeValue, isApp, toServedApp } from './app-shape.ts';
import { importModule } from './import-module.mjs';
import { checkSyntax } from './syntax-check.ts';

export type LoadAppResult =
  | ({ ok: true; description: string } & Served)
  | {
      ok: false;
      exitCode: BootFailureCode;
      reason: string;
      cause?: unknown;
      /** The module exports nothing at all: a `server.js` that may still call `listen`. */
      exportsNothing?: true;
    };

type Served =
  { listener: RequestListener; server?: undefined } | { server: Server; listener?: undefined };

type Failure = Extract<LoadAppResult, { ok: false }>;
type Picked = { ok: true; name: string; value: unknown };

const knownExtensions = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];
// Tried in this order when no export is named: the module's default (ESM `export default`, or a
// CommonJS `module.exports`), then the conventional names.
const conventionalExports = ['default', 'app', 'handler'];
const expectedShapes =
  'a request listener (req, res), an http.Server, a Fastify instance, an object with a fetch(request) method, or an object with a callback() method (Koa)';

/**
 * Imports APP_MODULE and returns its app as a request listener. Never throws.
 *
 * Forms: `module`, `module:export`, `module:factory()` and `module:factory("a", 2)` (JSON-literal
 * arguments). `module` is a path, resolved against `cwd`, when it starts with `.` or `/` or ends
 * in .js, .mjs, .cjs, .ts, .mts or .cts (an extensionless path also tries those); otherwise it is
 * a package specifier resolved from `cwd`.
 *
 * Without `:export` the app is the first of these that is an app: the default export (ESM
 * `export default`, or CommonJS `module.exports`), then the export named `app`, then `handler`.
 * A named export is also looked up on a CommonJS `module.exports` object. A factory's result
 * is awaited. Accepted shapes: a request listener `(req, res)` (plain, Express), an
 * `http.Server` or `https.Server` (served itself, upgrades included), a Fastify instance (its
 * server, after `ready()`), an object with `fetch(request) => Response` (Hono-style), an object
 * with `callback()` returning a listener (Koa). A module that exports nothing says so
 * (`exportsNothing`): it may be a `server.js` that calls `listen` itself (boot-app.ts).
 *
 * Exit code 3 (`WorkerBootError`): the module cannot be found or importing it throws, or the
 * factory or `callback()` throws. Exit code 4 (`AppLoadError`): the export is missing or is not
 * an app. `reason` is a complete sentence naming the module's path, printed by the master as is.
 *
 * @example
 * const loaded = await loadApp('server.ts:createApp()', process.cwd());
 * if (loaded.ok) http.createServer(loaded.listener);
 * else console.error(loaded.reason); // exit with loaded.exitCode
 */
export async function loadApp(spec: string, cwd: string): Promise<LoadAppResult> {
  try {
    const parsed = parseAppSpec(spec);
    if (!parsed.ok) return fail(ExitCode.AppLoadError, parsed.reason);
    const located = locateModule(parsed.module, cwd);
    if (!located.ok) return located;
    const imported = await importApp(located.path);
    if (!imported.ok) return imported;
    const picked = pickExport(imported.namespace, parsed, located.path);
    if (!picked.ok) return picked;
    return await finishApp(picked, parsed, located.path);
  } catch (error) {
    return fail(
      ExitCode.WorkerBootError,
      `Loading the app '${spec}' failed: ${message(error)}`,
      error,
    );
  }
}

function locateModule(module: string, cwd: string): { ok: true; path: string } | Failure {
  const ext = extname(module);
  const isPath = module.startsWith('.') || module.startsWith('/') || knownExtensions.includes(ext);
  if (!isPath) return resolvePackage(module, cwd);
  const path = resolve(cwd, module);
  const candidates = ext === '' ? [path, ...knownExtensions.map((e) => path + e)] : [path];
  const found = candidates.find(
    (candidate) => existsSync(candidate) && statSync(candidate).isFile(),
  );
  if (found !== undefined) return { ok: true, path: found };
  return fail(
    ExitCode.WorkerBootError,
    `The app module ${path} does not exist ('${module}' resolved against ${cwd}).`,
  );
}

function resolvePackage(module: string, cwd: string): { ok: true; path: string } | Failure {
  try {
    // A require() rooted in cwd finds the app's own node_modules, not corral's.
    return { ok: true, path: createRequire(join(cwd, 'package.json')).resolve(module) };
  } catch (error) {
    const cause = message(error).split(' Require stack:')[0] ?? '';
    // `app:handler` read the Gunicorn way means a local file; say how to write that.
    const local = knownExtensions.find((ext) => existsSync(join(cwd, module + ext)));
    const hint =
      local === undefined
        ? ''
        : `; to load the file ${join(cwd, module + local)}, write ./${module}${local}`;
    return fail(
      ExitCode.WorkerBootError,
      `The app package '${module}' cannot be resolved from ${cwd}: ${cause}${hint}`,
      error,
    );
  }
}

async function importApp(
  path: string,
): Promise<{ ok: true; namespace: Record<string, unknown> } | Failure> {
  try {
    const namespace = await importModule(pathToFileURL(path).href);
    return { ok: true, namespace };
  } catch (error) {
    const detail = isParseFailure(error, path)
      ? (checkSyntax(path) ?? message(error))
      : message(error);
    return fail(
      ExitCode.WorkerBootError,
      `Importing the app module ${path} failed: ${detail}`,
      error,
    );
  }
}

function pickExport(
  namespace: Record<string, unknown>,
  spec: AppSpec,
  path: string,
): Picked | Failure {
  const { exportName } = spec;
  if (exportName !== undefined) {
    const value = lookupExport(namespace, exportName);
    if (value !== undefined || exportName in namespace) {
      return { ok: true, name: exportName, value };
    }
    return fail(
      ExitCode.AppLoadError,
      `The app module ${path} has no export named '${exportName}'; its exports are: ${listExports(namespace)}.`,
    );
  }
  for (const name of conventionalExports) {
    const value = lookupExport(namespace, name);
    if (isApp(value)) return { ok: true, name, value };
  }
  if (namespace.default !== undefined) {
    return fail(
      ExitCode.AppLoadError,
      `The default export of ${path} is ${describeValue(namespace.default)}, not an app: expected ${expectedShapes}, or name the export as ${spec.module}:name.`,
    );
  }
  const failure = fail(
    ExitCode.AppLoadError,
    `The app module ${path} has no default export and no export named 'app' or 'handler'; its exports are: ${listExports(namespace)}.`,
  );
  return exportsNothing(namespace) ? { ...failure, exportsNothing: true } : failure;
}

/** An ES module without exports, or a CommonJS one that left `module.exports` empty. */
function exportsNothing(namespace: Record<string, unknown>): boolean {
  const names = Object.keys(namespace);
  if (names.length === 0) return true;
  const cjs = namespace.default;
  return (
    names.every((name) => name === 'default' || name === 'module.exports') &&
    typeof cjs === 'object' &&
    cjs !== null &&
    Object.keys(cjs).length === 0
  );
}

/** Calls the factory if the spec asks for it: the app is what it returns (awaited). */
async function callFactory(picked: Picked, spec: AppSpec, path: string): Promise<Picked | Failure> {
  const { name, value } = picked;
  if (spec.call === undefined) return picked;
  if (typeof value !== 'function') {
    return fail(
      ExitCode.AppLoadError,
      `The export '${name}' of ${path} is ${describeValue(value)}, not a factory function to call as ${name}().`,
    );
  }
  try {
    return {
      ok: true,
      name,
      value: await (value as (...args: unknown[]) => unknown)(...spec.call.args),
    };
  } catch (error) {
    const reason = `The app factory ${name}() in ${path} threw: ${message(error)}`;
    return fail(ExitCode.WorkerBootError, reason, error);
  }
}

async function finishApp(picked: Picked, spec: AppSpec, path: string): Promise<LoadAppResult> {
  const built = await callFactory(picked, spec, path);
  if (!built.ok) return built;
  const { name } = picked;
  const isFactory = spec.call !== undefined;
  const source = isFactory ? `${name}() in ${path}` : `the export '${name}' of ${path}`;
  let shape;
  try {
    shape = toServedApp(built.value);
  } catch (error) {
    return fail(
      ExitCode.WorkerBootError,
      `callback() of ${source} threw: ${message(error)}`,
      error,
    );
  }
  if (!shape.ok) {
    const subject = isFactory
      ? `The factory ${name}() in ${path} returned`
      : `The export '${name}' of ${path} is`;
    const reason = `${subject} ${shape.what}, not an app: expected ${expectedShapes}.`;
    return fail(ExitCode.AppLoadError, reason);
  }
  const description = `${shape.kind} from ${source}`;
  if (shape.listener !== undefined) return { ok: true, listener: shape.listener, description };
  try {
    await shape.ready?.();
  } catch (error) {
    return fail(ExitCode.WorkerBootError, `ready() of ${source} threw: ${message(error)}`, error);
  }
  return { ok: true, server: shape.server, description };
}

/** An export by name, or a property of a CommonJS `module.exports` object the namespace missed. */
function lookupExport(namespace: Record<string, unknown>, name: string): unknown {
  if (name in namespace) return namespace[name];
  const cjs = namespace.default;
  if (
    name === 'default' ||
    cjs === null ||
    (typeof cjs !== 'object' && typeof cjs !== 'function')
  ) {
    return undefined;
  }
  return (cjs as Record<string, unknown>)[name];
}

function listExports(namespace: Record<string, unknown>): string {
  const names = Object.keys(namespace).map((name) =>
    name === 'default' ? `default (${describeValue(namespace.default)})` : name,
  );
  return names.length === 0 ? 'none' : names.join(', ');
}

function fail(exitCode: BootFailureCode, reason: string, cause?: unknown): Failure {
  // The master prints the reason as is, so it ends as a sentence.
  const sentence = /[.!?]$/.test(reason) ? reason : `${reason}.`;
  return cause === undefined
    ? { ok: false, exitCode, reason: sentence }
    : { ok: false, exitCode, reason: sentence, cause };
}

/** A JavaScript file that Node or tsx's import lexer could not parse. */
function isParseFailure(error: unknown, path: string): boolean {
  if (!['.js', '.mjs', '.cjs'].includes(extname(path)) || !(error instanceof Error)) return false;
  return error instanceof SyntaxError || error.message.startsWith('Parse error ');
}

/** The error as one line: the master prints reasons on one line each. */
function message(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const line = text.replace(/\s*\n\s*/g, ' ').trim();
  return line.length > 600 ? `${line.slice(0, 600)}...` : line;
}
