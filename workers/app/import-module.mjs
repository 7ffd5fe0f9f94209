// Imports an app module from a JavaScript parent. Under tsx, an import of `x.js` from a
// TypeScript file is tried as `x.ts` first (TypeScript's own convention), so load-app.ts
// importing `app.js` directly would load `app.ts` whenever both exist, such as a compiled app
// next to its source. Being plain JavaScript, this module's imports resolve as written.
// spec/workers/load-app.spec.ts guards this with a fixture pair.

/**
 * @param {string} url an absolute file: URL
 * @returns {Promise<Record<string, unknown>>} the module namespace
 */
export function importModule(url) {
  return import(url);
}
