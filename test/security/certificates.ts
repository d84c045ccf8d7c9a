/** Test certificates made with the openssl CLI (argument arrays, no shell): a CA, a server cert it signs, another CA. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestPki {
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** A CA that did not sign the server certificate. */
  otherCaCert: string;
  otherCaKey: string;
}

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`);
  return { cert, key };
}

/** A CA, and a server certificate it signs for 127.0.0.1 and localhost (subjectAltName), in `dir`. */
export function makeTestPki(dir: string): TestPki {
  const ca = makeCa(dir, 'acs-test-ca');
  const other = makeCa(dir, 'acs-other-ca');
  const serverKey = join(dir, 'vim.key');
  const csr = join(dir, 'vim.csr');
  const serverCert = join(dir, 'vim.pem');
  const ext = join(dir, 'vim.ext');
  writeFileSync(ext, 'subjectAltName = IP:127.0.0.1, DNS:localhost\nextendedKeyUsage = serverAuth\n');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', serverKey, '-out', csr, '-subj', '/CN=acs-vim');
  openssl('x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', serverCert, '-days', '2', '-extfile', ext);
  return { caCert: ca.cert, serverCert, serverKey, otherCaCert: other.cert, otherCaKey: other.key };
}
