/**
 * `-e KEY=VALUE`: the environment a worker starts with is the master's, with the assignments
 * over it. Read per settings generation, so a HUP with changed `-e` reaches the new workers.
 */

/**
 * Splits each assignment at its first `=`, so a value may contain `=` and may be empty.
 *
 * @example
 * workerEnv({ HOME: '/root' }, ['NODE_ENV=production', 'DEBUG=']);
 * // { HOME: '/root', NODE_ENV: 'production', DEBUG: '' }
 */
export function workerEnv(
  base: NodeJS.ProcessEnv,
  assignments: readonly string[],
): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const assignment of assignments) {
    const at = assignment.indexOf('=');
    if (at > 0) env[assignment.slice(0, at)] = assignment.slice(at + 1);
  }
  return env;
}
