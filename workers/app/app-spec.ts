/**
 * Parses APP_MODULE (`app.js`, `./app.mjs:handler`, `server.ts:createApp()`,
 * `pkg:factory("a", 2)`) into the module to import, the export to take and the call to make.
 */

export interface AppSpec {
  /** A path (`./app.js`, `/srv/app.ts`, `app.mjs`) or a package specifier (`my-app/server`). */
  module: string;
  /** The export named after the colon; absent means "pick the default" (see `loadApp`). */
  exportName?: string;
  /** Present when the export is a factory to call: `createApp()` has `args: []`. */
  call?: { args: unknown[] };
}

export type ParsedAppSpec = ({ ok: true } & AppSpec) | { ok: false; reason: string };

// `module:name` or `module:name(args)`. The module part is lazy so the first colon followed by a
// well-formed export wins, and colons inside string arguments are left alone.
const withExport = /^(.+?):([A-Za-z_$][\w$]*)(?:\((.*)\))?$/s;

/**
 * Splits APP_MODULE into module, export and factory call. Factory arguments are JSON literals.
 *
 * @example
 * parseAppSpec('server.ts:createApp("api", 2)');
 * // { ok: true, module: 'server.ts', exportName: 'createApp', call: { args: ['api', 2] } }
 */
export function parseAppSpec(spec: string): ParsedAppSpec {
  const trimmed = spec.trim();
  if (trimmed === '') return { ok: false, reason: 'The app module is empty.' };
  const match = withExport.exec(trimmed);
  if (match === null) return { ok: true, module: trimmed };
  const [, module = '', exportName = '', rawArgs] = match;
  if (rawArgs === undefined) return { ok: true, module, exportName };
  const args = parseArgs(rawArgs);
  if (args === undefined) {
    return {
      ok: false,
      reason: `The arguments of ${exportName}(${rawArgs}) in '${spec}' are not JSON literals, such as "text", 2, true or {"a": 1}.`,
    };
  }
  return { ok: true, module, exportName, call: { args } };
}

function parseArgs(raw: string): unknown[] | undefined {
  try {
    const parsed: unknown = JSON.parse(`[${raw}]`);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
