// defaultCertificate returns the self-signed certificate served when no Secret matches the SNI name
// (ingress-nginx's "Kubernetes Ingress Controller Fake Certificate"). Node has no X.509 generator,
// so it runs openssl once and keeps the pair in the data directory for the next start.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface KeyPair { cert: Buffer; key: string | Buffer }

export function defaultCertificate(dir: string): KeyPair {
  const crt = join(dir, 'ingress-default.crt');
  const key = join(dir, 'ingress-default.key');
  if (!existsSync(crt) || !existsSync(key)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650',
      '-subj', '/O=Portico/CN=Portico Ingress Controller Fake Certificate',
      '-addext', 'subjectAltName=DNS:ingress.local', '-keyout', key, '-out', crt,
    ], { stdio: 'ignore', timeout: 20_000 });
  }
  return { cert: readFileSync(crt), key: readFileSync(key) };
}
