/**
 * The package's root folder, from the URL of a module one folder below it (`actors/x.ts`, or its
 * compiled `dist/actors/x.js`, one folder deeper): for files that live at the root, such as
 * package.json and the native addon's build.
 *
 * @example
 * new URL('package.json', packageRootOf(import.meta.url));
 */
export function packageRootOf(moduleUrl: string): URL {
  return new URL(moduleUrl.endsWith('.js') ? '../../' : '../', moduleUrl);
}

/** The extension corral's own modules have where this one runs: `.ts` from source, `.js` built. */
export function ownExtensionOf(moduleUrl: string): '.ts' | '.js' {
  return moduleUrl.endsWith('.js') ? '.js' : '.ts';
}
