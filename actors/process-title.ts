/**
 * Process titles, as Gunicorn's setproctitle gives them: `corral: master [name]` and
 * `corral: worker [name]`, so `ps` and `top` tell the processes apart. The name is `--name`, or
 * the app.
 */
import type { Settings } from '../settings/settings.ts';

/**
 * @example
 * processTitle('master', { name: undefined, app: 'app.js' }); // 'corral: master [app.js]'
 */
export function processTitle(
  role: 'master' | 'worker',
  settings: Pick<Settings, 'name' | 'app'>,
): string {
  return `corral: ${role} [${settings.name ?? settings.app}]`;
}
