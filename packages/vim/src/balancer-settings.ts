import { isPolicyName, POLICY_NAMES } from '@acs/balancing';
import { HttpError } from './http-util';
import type { Tier1Settings } from './traffic/tier1-front';

type IntegerField = Exclude<keyof Tier1Settings, 'policy' | 'maxEjectedPercent'>;

/** Bounds of each numeric setting, as a user would write them in `acs balancer set`. */
const INTEGER_FIELDS: Record<IntegerField, [number, number]> = {
  upstreamTimeoutMs: [1, 3_600_000],
  slowStartMs: [0, 3_600_000],
  consecutiveFailures: [1, 1000],
  baseEjectionMs: [1, 3_600_000],
  maxEjectionMs: [1, 86_400_000],
};

/**
 * Checks a `PUT /api/v1/balancer` body: every field is known and in range, or the whole change is refused
 * with each problem named (nothing half-applied).
 */
export function balancerChangeFromBody(body: Record<string, unknown>): Partial<Tier1Settings> {
  const change: Partial<Tier1Settings> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key === 'policy') {
      if (typeof value === 'string' && isPolicyName(value)) change.policy = value;
      else problems.push(`policy: one of ${POLICY_NAMES.join(', ')}`);
    } else if (key === 'maxEjectedPercent') {
      if (typeof value === 'number' && value >= 0 && value <= 100) change.maxEjectedPercent = value;
      else problems.push('maxEjectedPercent: a number from 0 to 100');
    } else if (key in INTEGER_FIELDS) {
      const [min, max] = INTEGER_FIELDS[key as IntegerField];
      if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) change[key as IntegerField] = value;
      else problems.push(`${key}: a whole number from ${min} to ${max}`);
    } else {
      problems.push(`unknown field "${key}" (known: policy, maxEjectedPercent, ${Object.keys(INTEGER_FIELDS).join(', ')})`);
    }
  }
  if (problems.length > 0) throw new HttpError(400, problems.some((p) => p.startsWith('policy')) ? 'invalid-policy' : 'invalid-setting', problems.join('; '));
  return change;
}
