/**
 * Self-signed certificates for the TLS specs, made with the machine's `openssl` in a temporary
 * directory that teardown removes. The server's certificate names 127.0.0.1 and localhost, so
 * a client that trusts it (`ca: server.cert`) verifies the connection for real.
 *
 * @example
 * const certs = makeCertificates(t);
 * https.request({ host: '127.0.0.1', port, ca: readFileSync(certs.server.cert) });
 */
import type { ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertificatePair {
  cert: string;
  key: string;
}

export interface TestCertificates {
  dir: string;
  /** For `--certfile`/`--keyfile`. */
  server: CertificatePair;
  /** A client certificate, self-signed: its own CA for `--ca-certs`. */
  client: CertificatePair;
}

/**
 * Creates a server and a client certificate in a fresh directory.
 *
 * @example
 * const { server, client, dir } = makeCertificates(t);
 */
export function makeCertificates(t: ExecutionContext): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'corral-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    server: selfSigned(dir, 'server', 'subjectAltName=IP:127.0.0.1,DNS:localhost'),
    client: selfSigned(dir, 'client', 'extendedKeyUsage=clientAuth'),
  };
}

function selfSigned(dir: string, name: string, extension: string): CertificatePair {
  const pair = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}-key.pem`) };
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'];
  args.push('-subj', `/CN=corral-${name}`, '-addext', extension);
  args.push('-keyout', pair.key, '-out', pair.cert);
  // openssl prints its key-generation progress on stderr; only a failure matters.
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
  return pair;
}
