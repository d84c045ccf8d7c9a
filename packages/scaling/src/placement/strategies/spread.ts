import { committedShare } from '../load';
import type { PlacementStrategy } from '../types';

/**
 * Spread keeps replicas of a service apart, so losing one VM loses as few of them as possible, and
 * then evens out the VMs themselves. Scale-in takes from the VM with the most replicas, the busier one
 * first on a tie, so what remains stays balanced.
 */
export const spread = Object.freeze<PlacementStrategy>({
  name: 'spread',
  placementKey: (load, cpus) => [load.serviceContainers, load.totalContainers, committedShare(load, cpus)],
  victimVmKey: (load) => [-load.serviceContainers, load.hostCpuPct === undefined ? 1 : 0, -(load.hostCpuPct ?? 0)],
  victimReason: 'most-replicas',
});
