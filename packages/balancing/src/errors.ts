import { POLICY_NAMES } from './types';

/**
 * A misspelt policy in a config must stop start-up rather than quietly balance some other way: a silent
 * default would look healthy while behaving differently from what the operator asked for.
 */
export class UnknownPolicyError extends Error {
  readonly code = 'unknown-policy';
  constructor(readonly policy: string) {
    // JSON.stringify so a name with control characters cannot forge log lines.
    super(`unknown balancing policy ${JSON.stringify(policy)}; known policies: ${POLICY_NAMES.join(', ')}`);
    this.name = 'UnknownPolicyError';
  }
}
