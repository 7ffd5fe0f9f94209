/**
 * Turns whatever an actor carries (events, snapshots, contexts) into JSON text the inspector can
 * always parse: nesting past a depth limit and very wide objects are cut with a marker, cycles
 * become `"[Circular]"`, and values JSON drops or garbles (an Error's message, a Map, a Set, a
 * BigInt, a Buffer) keep something readable.
 *
 * @example
 * toJsonText({ error: new Error('boom') }, { depth: 16 }); // '{"error":{"name":"Error","message":"boom"}}'
 */

export interface JsonLimits {
  /** Levels of nesting kept; deeper objects become `"[Object]"` or `"[Array]"`. */
  depth: number;
  /** Entries kept per object or array (default 1000). */
  breadth?: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function toJsonText(value: unknown, limits: JsonLimits): string {
  return JSON.stringify(toJson(value, limits.depth, limits.breadth ?? 1000, []) ?? null);
}

function toJson(value: unknown, depth: number, breadth: number, path: object[]): Json | undefined {
  const plain = primitive(value);
  if (plain !== NOT_PRIMITIVE) return plain;
  const object = value as object;
  if (path.includes(object)) return '[Circular]';
  const shown = readable(object);
  if (shown !== object) return toJson(shown, depth, breadth, path);
  if (depth <= 0) return Array.isArray(object) ? '[Array]' : '[Object]';
  path.push(object);
  try {
    return Array.isArray(object)
      ? listJson(object, depth, breadth, path)
      : objectJson(object, depth, breadth, path);
  } finally {
    path.pop();
  }
}

const NOT_PRIMITIVE = Symbol('object');

function primitive(value: unknown): Json | undefined | typeof NOT_PRIMITIVE {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      return value === null ? null : NOT_PRIMITIVE;
  }
}

/** What stands for an object JSON would mangle; the object itself when it needs nothing. */
function readable(object: object): unknown {
  if (object instanceof Error) {
    const code = (object as { code?: unknown }).code;
    return { name: object.name, message: object.message, ...(code === undefined ? {} : { code }) };
  }
  if (object instanceof Map) return Object.fromEntries(object);
  if (object instanceof Set) return [...object];
  if (ArrayBuffer.isView(object))
    return `[${object.constructor.name} of ${object.byteLength} bytes]`;
  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return toJSON.call(object) as unknown;
  return object;
}

function listJson(list: unknown[], depth: number, breadth: number, path: object[]): Json[] {
  const out = list.slice(0, breadth).map((item) => toJson(item, depth - 1, breadth, path) ?? null);
  if (list.length > breadth) out.push(`[${list.length - breadth} more]`);
  return out;
}

function objectJson(object: object, depth: number, breadth: number, path: object[]): Json {
  const out: Record<string, Json> = {};
  const keys = Object.keys(object);
  for (const key of keys.slice(0, breadth)) {
    const json = toJson((object as Record<string, unknown>)[key], depth - 1, breadth, path);
    if (json !== undefined) out[key] = json;
  }
  if (keys.length > breadth) out['…'] = `${keys.length - breadth} more keys`;
  return out;
}
