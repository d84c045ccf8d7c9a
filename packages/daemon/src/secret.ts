import { readFileSync, statSync } from 'node:fs';

export class SecretError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretError';
  }
}

/** Minimum secret length: shorter secrets are guessable and almost certainly a mistake. */
export const MIN_SECRET_BYTES = 16;

/** Reads a shared secret from a file (surrounding whitespace ignored). */
export function readSecretFile(path: string): Buffer {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SecretError(`cannot read secret file ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    // Loud but not fatal: mounted secrets (Kubernetes, Vagrant shares) are often 0644.
    process.emitWarning(`secret file ${path} is readable by group or others; chmod 600 it`);
  }
  return checkedSecret(Buffer.from(content.trim()), path);
}

export function checkedSecret(secret: Buffer, where: string): Buffer {
  if (secret.length < MIN_SECRET_BYTES) {
    throw new SecretError(`secret from ${where} is ${secret.length} bytes; at least ${MIN_SECRET_BYTES} are required`);
  }
  return secret;
}

/** ACS_SECRET if set, else the file; undefined when neither is given. */
export function secretFromEnvOrFile(envSecret: string | undefined, secretFile: string | undefined): Buffer | undefined {
  if (envSecret) return checkedSecret(Buffer.from(envSecret.trim()), 'ACS_SECRET');
  if (secretFile) return readSecretFile(secretFile);
  return undefined;
}
