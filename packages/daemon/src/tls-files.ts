import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';

/** A TLS file that is missing, unreadable, or not what it should be; the message names the file and the flag. */
export class TlsConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TlsConfigError';
  }
}

/** The agent port's server side: certificate chain and private key, both PEM. */
export interface ServerTls {
  cert: Buffer;
  key: Buffer;
}

/** The agent's side: the CA that must have signed the VIM's certificate, and the name to check it against. */
export interface ClientTls {
  ca: Buffer;
  /** Checked against the certificate's subjectAltName; undefined: the host the agent connects to. */
  servername: string | undefined;
}

function readPem(path: string, flag: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    throw new TlsConfigError(`${flag}: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (!content.includes('-----BEGIN ')) throw new TlsConfigError(`${flag}: ${path} is not a PEM file (no -----BEGIN line)`);
  return content;
}

/** Tries the files in a TLS context now, so a key that does not match its certificate stops the start, not the first agent. */
function checkContext(options: SecureContextOptions, what: string): void {
  try {
    createSecureContext(options);
  } catch (error) {
    throw new TlsConfigError(`${what}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Reads the VIM's agent-port certificate and key: both or neither.
 * @returns undefined when neither is given (plaintext agent port).
 * @throws TlsConfigError
 */
export function loadServerTls(certFile: string | undefined, keyFile: string | undefined): ServerTls | undefined {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) throw new TlsConfigError('--tls-cert and --tls-key go together: give both, or neither for a plaintext agent port');
  const tls = { cert: readPem(certFile, '--tls-cert'), key: readPem(keyFile, '--tls-key') };
  checkContext(tls, `--tls-cert ${certFile} with --tls-key ${keyFile}`);
  return tls;
}

/**
 * Reads the CA an agent trusts for the VIM's certificate.
 * @returns undefined when no CA is given (plaintext).
 * @throws TlsConfigError
 */
export function loadClientTls(caFile: string | undefined, servername: string | undefined): ClientTls | undefined {
  if (caFile === undefined) {
    if (servername !== undefined) throw new TlsConfigError('--tls-servername needs --tls-ca (it names the VIM certificate to verify)');
    return undefined;
  }
  const ca = readPem(caFile, '--tls-ca');
  checkContext({ ca }, `--tls-ca ${caFile}`);
  return { ca, servername };
}
