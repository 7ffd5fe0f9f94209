/**
 * `--certfile`, `--keyfile`, `--ca-certs`, checked by the master when it starts, before anything
 * is bound: a missing, unreadable or unusable file is a start-up error that names it, instead of
 * every worker failing to listen. The workers read the files again themselves (after switching
 * to `--user`), so the master passes only paths.
 *
 * @example
 * checkTlsFiles(settings); // throws TlsFileError naming the file
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { TlsFileError } from '../errors.ts';
import type { Settings } from '../settings/settings.ts';

type TlsSettings = Pick<Settings, 'certfile' | 'keyfile' | 'caCerts'> &
  Partial<Pick<Settings, 'http2' | 'workerClass'>>;

/**
 * Does nothing without TLS settings; otherwise reads each file and builds the TLS context the
 * workers will build, so a key that does not match its certificate is caught here too.
 *
 * @throws {TlsFileError} naming the option and the file
 * @example
 * checkTlsFiles({ certfile: 'cert.pem', keyfile: 'key.pem', caCerts: undefined });
 */
export function checkTlsFiles(settings: TlsSettings): void {
  const { certfile, keyfile, caCerts } = settings;
  if (settings.http2 === true && (certfile === undefined || keyfile === undefined)) {
    throw new TlsFileError(
      '--http2 needs --certfile and --keyfile: HTTP/2 is served over TLS (ALPN h2); cleartext h2c is not',
    );
  }
  if (settings.http2 === true && settings.workerClass === 'sync') {
    throw new TlsFileError(
      '--http2 needs -k async: HTTP/2 carries many requests on one connection, and sync serves one at a time',
    );
  }
  if (certfile === undefined && keyfile === undefined && caCerts === undefined) return;
  if (certfile === undefined || keyfile === undefined) {
    throw new TlsFileError(
      'HTTPS needs both --certfile and --keyfile' +
        (caCerts === undefined ? '' : ' (--ca-certs alone does nothing)'),
    );
  }
  const cert = readPem('--certfile', certfile);
  const key = readPem('--keyfile', keyfile);
  if (caCerts !== undefined) {
    tryContext({ ca: readPem('--ca-certs', caCerts) }, `--ca-certs ${resolve(caCerts)}`);
  }
  tryContext({ cert, key }, `--certfile ${resolve(certfile)} with --keyfile ${resolve(keyfile)}`);
}

/**
 * A listener's URL for the `Listening at:` line, with `https://` when the workers serve TLS (as
 * Gunicorn prints it); unix sockets stay as they are.
 *
 * @example
 * withTlsScheme('http://127.0.0.1:8443', settings); // 'https://127.0.0.1:8443' with TLS
 */
export function withTlsScheme(
  url: string,
  settings: Pick<Settings, 'certfile' | 'keyfile'>,
): string {
  const tls = settings.certfile !== undefined && settings.keyfile !== undefined;
  return tls && url.startsWith('http://') ? `https://${url.slice('http://'.length)}` : url;
}

function readPem(option: string, path: string): Buffer {
  const file = resolve(path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new TlsFileError(`cannot read ${option} ${file}: ${reason}`, { cause: error });
  }
  if (!bytes.includes('-----BEGIN ')) {
    throw new TlsFileError(`${option} ${file} is not a PEM file (no -----BEGIN line)`);
  }
  return bytes;
}

function tryContext(options: Parameters<typeof createSecureContext>[0], what: string): void {
  try {
    createSecureContext(options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TlsFileError(`${what}: unusable for TLS: ${reason}`, { cause: error });
  }
}
