import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readSecretFile, secretFromEnvOrFile } from '@acs/daemon';

export const GENERATED_SECRET_FILE = 'agent-secret';

export interface SecretSource {
  secret: Buffer;
  /** How we got it, for the start-up log line (never the secret itself). */
  origin: 'env' | 'file' | 'generated' | 'data-dir';
  path?: string;
}

/**
 * Finds the agent secret: ACS_SECRET, else --secret-file, else `<dataDir>/agent-secret`, generating that
 * file (random, mode 0600) on first start so a fresh install is secure without any setup.
 */
export function loadOrCreateSecret(options: { envSecret?: string; secretFile?: string; dataDir: string }): SecretSource {
  const given = secretFromEnvOrFile(options.envSecret, options.secretFile);
  if (given) {
    return options.envSecret ? { secret: given, origin: 'env' } : { secret: given, origin: 'file', path: resolve(options.secretFile!) };
  }
  const path = resolve(join(options.dataDir, GENERATED_SECRET_FILE));
  if (existsSync(path)) return { secret: readSecretFile(path), origin: 'data-dir', path };
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('hex');
  // 'wx' fails if another process created it meanwhile, rather than silently overwriting its secret.
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return { secret: Buffer.from(secret), origin: 'generated', path };
}
