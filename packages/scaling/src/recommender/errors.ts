export interface PolicyProblem {
  /** Where, as a property path: `behavior.scaleUp.policies[0].periodS`; `(policy)` for the whole value. */
  path: string;
  message: string;
}

/**
 * A scaling policy that cannot be used as given. Thrown with every problem found, not just the first, so
 * an operator fixing a `PUT /api/v1/services/:name/policy` body gets the whole list in one round trip.
 * Nothing is defaulted around a bad field: a typo'd key or value must fail loudly, not scale some other way.
 */
export class ScalingPolicyError extends Error {
  readonly code = 'invalid-scaling-policy';
  constructor(readonly problems: readonly PolicyProblem[]) {
    super(`invalid scaling policy: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
    this.name = 'ScalingPolicyError';
  }
}
