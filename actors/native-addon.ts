/**
 * corral's small native addon (native/corral-native.c, built by `npm install`): the unix
 * datagram send that systemd's notify protocol needs and Node core lacks, and a waitpid for one
 * exact pid. It is optional: without it corral runs, and what needs it says so once.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { packageRootOf } from '../protocol/package-root.ts';

export interface NativeAddon {
  /** Sends one datagram to a unix socket path or `@abstract` name; 0, or the errno. */
  notify(address: string, message: Buffer): number;
  /** `waitpid(pid, WNOHANG)`: the pid once reaped, 0 while it runs, or -errno. */
  reap(pid: number): number;
}

export type AddonLoad = { addon: NativeAddon } | { addon: null; reason: string };

const addonPath = fileURLToPath(
  new URL('native/build/Release/corral_native.node', packageRootOf(import.meta.url)),
);
let loaded: AddonLoad | undefined;

/**
 * Loads the addon on first use, once per process.
 *
 * @example
 * const load = loadNativeAddon();
 * if (load.addon === null) log.warn(`no native addon: ${load.reason}`);
 */
export function loadNativeAddon(): AddonLoad {
  loaded ??= tryLoad();
  return loaded;
}

function tryLoad(): AddonLoad {
  try {
    return { addon: createRequire(import.meta.url)(addonPath) as NativeAddon };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0] ?? String(error);
    return {
      addon: null,
      reason: `${reason} (it is built by \`npm install\`, which needs python3, make and a C compiler)`,
    };
  }
}
