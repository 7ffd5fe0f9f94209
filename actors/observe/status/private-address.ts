/**
 * Whether `--status-bind` names an address only this machine can reach. The page tells whoever
 * reaches it what the server runs (and, with `--status-control`, lets them scale it), so
 * anything else needs `--status-allow-remote`.
 */
import { isIPv4 } from 'node:net';
import { UsageError } from '../../../errors.ts';
import { parseAddress } from '../../../settings/parse-address.ts';

/**
 * @example
 * isPrivateAddress('127.0.0.1:9000'); // true
 * isPrivateAddress('unix:/run/corral-status.sock'); // true
 * isPrivateAddress('0.0.0.0:9000'); // false
 */
export function isPrivateAddress(address: string): boolean {
  const parsed = parseAddress(address);
  if (parsed.kind !== 'tcp') return parsed.kind === 'unix';
  const host = parsed.host.toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return isIPv4(host) && host.startsWith('127.');
}

/** Throws the usage error (exit 2) for a remote address given without the flag that allows it. */
export function checkStatusAddress(address: string, allowRemote: boolean): void {
  if (allowRemote || isPrivateAddress(address)) return;
  throw new UsageError(
    `--status-bind ${address} can be reached from other hosts; use 127.0.0.1, [::1] or unix:PATH, or add --status-allow-remote`,
  );
}
