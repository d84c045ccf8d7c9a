import { UnknownPolicyError } from './errors';
import { IpHashPolicy } from './policies/ip-hash';
import { LeastConnectionsPolicy } from './policies/least-connections';
import { LeastLoadedPolicy } from './policies/least-loaded';
import { PowerOfTwoChoicesPolicy } from './policies/p2c';
import { RoundRobinPolicy } from './policies/round-robin';
import { WeightedRoundRobinPolicy } from './policies/weighted-round-robin';
import { POLICY_NAMES, type BalancingPolicy, type PolicyName } from './types';

/** A Record over PolicyName, so adding a name to POLICY_NAMES without a factory fails to compile. */
const FACTORIES: Record<PolicyName, () => BalancingPolicy> = {
  'round-robin': () => new RoundRobinPolicy(),
  'least-connections': () => new LeastConnectionsPolicy(),
  'weighted-round-robin': () => new WeightedRoundRobinPolicy(),
  'ip-hash': () => new IpHashPolicy(),
  'least-loaded': () => new LeastLoadedPolicy(),
  p2c: () => new PowerOfTwoChoicesPolicy(),
};

export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}

/** A fresh instance every call: policies hold per-balancer state (cursors, weights) that must not be shared. */
export function createPolicy(name: string): BalancingPolicy {
  if (!isPolicyName(name)) throw new UnknownPolicyError(name);
  return FACTORIES[name]();
}
