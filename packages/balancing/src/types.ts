/**
 * The vocabulary both balancer tiers share. A policy sees only a snapshot of backends and its own small
 * state, so the same code picks a VM in tier 1 and a container in tier 2, and tests need no network.
 */

export interface Backend {
  id: string;
  /** Requests currently in flight from this balancer to this backend (the caller counts: +1 dispatch, −1 finish/error/abort). */
  inflight: number;
  /** Relative capacity (tier 1: ready containers on the VM, or a configured weight; tier 2: 1). Must be > 0 to be picked. */
  weight: number;
  /** Last reported CPU utilisation 0–100, for least-loaded; undefined when unknown. */
  cpuPct?: number;
}

export interface PickContext {
  /** Stable client identity for ip-hash (e.g. the client IP). */
  clientKey?: string;
  /** Uniform [0,1) source; injected so tests are deterministic. */
  random: () => number;
}

export const POLICY_NAMES = [
  'round-robin',
  'least-connections',
  'weighted-round-robin',
  'ip-hash',
  'least-loaded',
  'p2c',
] as const;

export type PolicyName = (typeof POLICY_NAMES)[number];

export interface BalancingPolicy {
  readonly name: PolicyName;
  /** Picks one backend, or undefined when the list is empty (or every weight is 0). Never mutates the input. */
  pick(backends: readonly Backend[], context: PickContext): Backend | undefined;
}
