import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, hex: the challenge an agent must sign. */
export function createNonce(): string {
  return randomBytes(32).toString('hex');
}

/** HMAC-SHA256(secret, nonce) as hex: what an agent sends in `hello.proof`. */
export function computeProof(secret: string | Buffer, nonce: string): string {
  return createHmac('sha256', secret).update(nonce).digest('hex');
}

/** Constant-time comparison, so response timing says nothing about how much of a guess was right. */
export function proofMatches(secret: string | Buffer, nonce: string, proof: string): boolean {
  // Buffer.from(hex) silently stops at the first non-hex character, so check the form first.
  if (!PROOF_PATTERN.test(proof)) return false;
  const expected = Buffer.from(computeProof(secret, nonce), 'hex');
  return timingSafeEqual(Buffer.from(proof, 'hex'), expected);
}

const PROOF_PATTERN = /^[0-9a-f]{64}$/;
