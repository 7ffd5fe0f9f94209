/**
 * Imports a module by absolute `file:` URL exactly as written (see import-module.mjs for why
 * this is not a TypeScript file).
 *
 * @example
 * const namespace = await importModule(pathToFileURL('/srv/app.js').href);
 */
export function importModule(url: string): Promise<Record<string, unknown>>;
