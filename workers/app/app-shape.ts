/**
 * Recognises the app shapes corral serves and turns each into what a worker serves: a Node
 * request listener, or the app's own server.
 *
 * - a request listener function `(req, res)`: plain Node, Express;
 * - an `http.Server` or `https.Server`, not listening: its `upgrade` listeners (`ws`,
 *   Socket.IO) work, since corral serves the server itself;
 * - a Fastify instance (an object with `ready()` and an HTTP `server`): its server, once
 *   `ready()` has resolved;
 * - an object with `fetch(request) => Response`: Hono and other fetch-style apps;
 * - an object with `callback()` returning a listener: Koa.
 */
import type { RequestListener, Server } from 'node:http';
import { isHttpServer } from './adopt-server.ts';
import { fetchToListener, type FetchApp } from './fetch-adapter.ts';

export type AppKind =
  | 'request listener'
  | 'http.Server'
  | 'Fastify instance'
  | 'fetch handler'
  | 'callback() listener'
  | 'server.js that listens';

/** What a worker serves: a listener on corral's servers, or the app's own server. */
export type ServedApp =
  | { listener: RequestListener; server?: undefined }
  | { server: Server; listener?: undefined; ready?: () => Promise<unknown> };

export type AppShape = ({ ok: true; kind: AppKind } & ServedApp) | { ok: false; what: string };

/**
 * Whether a value is one of the accepted shapes, without touching it.
 *
 * @example
 * isApp(express()); // true
 */
export function isApp(value: unknown): boolean {
  if (typeof value === 'function') return !isClass(value);
  return (
    isHttpServer(value) ||
    isFastifyLike(value) ||
    hasMethod(value, 'fetch') ||
    hasMethod(value, 'callback')
  );
}

/**
 * Turns an accepted shape into what a worker serves, or says what the value is instead. A Koa
 * app's `callback()` is called here, once; if it throws, the error propagates. A Fastify
 * instance's `ready()` is not: the caller awaits it.
 *
 * @example
 * const shape = toServedApp({ fetch: () => new Response('hi') });
 * if (shape.ok) http.createServer(shape.listener);
 */
export function toServedApp(value: unknown): AppShape {
  if (typeof value === 'function' && !isClass(value)) {
    return { ok: true, kind: 'request listener', listener: value as RequestListener };
  }
  if (isHttpServer(value)) return { ok: true, kind: 'http.Server', server: value };
  if (isFastifyLike(value)) {
    const { server } = value;
    return { ok: true, kind: 'Fastify instance', server, ready: () => value.ready() };
  }
  if (hasMethod(value, 'fetch')) {
    return { ok: true, kind: 'fetch handler', listener: fetchToListener(value as FetchApp) };
  }
  if (hasMethod(value, 'callback')) {
    const listener: unknown = (value as { callback(): unknown }).callback();
    if (typeof listener === 'function') {
      return { ok: true, kind: 'callback() listener', listener: listener as RequestListener };
    }
    return { ok: false, what: `an object whose callback() returned ${describeValue(listener)}` };
  }
  return { ok: false, what: describeValue(value) };
}

/**
 * Names a value for an error message: "a string", "a class", "an object with keys a, b".
 *
 * @example
 * describeValue({ port: 3000 }); // 'an object with keys port'
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return isClass(value) ? 'a class' : 'a function';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Promise) return 'a Promise';
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return 'an empty object';
    const shown = keys.slice(0, 8).join(', ') + (keys.length > 8 ? ', ...' : '');
    return `an object with keys ${shown}`;
  }
  const type = typeof value;
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type} (${String(value)})`;
}

/** Fastify's shape: `ready()` and the HTTP server it routes (NestJS's Fastify adapter too). */
function isFastifyLike(value: unknown): value is { server: Server; ready(): Promise<unknown> } {
  return hasMethod(value, 'ready') && isHttpServer((value as { server?: unknown }).server);
}

function hasMethod(value: unknown, name: string): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)[name] === 'function'
  );
}

// A class cannot be called as a listener; calling it would fail on every request instead of at boot.
function isClass(fn: unknown): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(fn));
}
