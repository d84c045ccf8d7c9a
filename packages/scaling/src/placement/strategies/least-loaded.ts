import type { PlacementStrategy } from '../types';

/**
 * Reported before it is known, a VM's CPU is assumed saturated (as in @acs/balancing's least-loaded): an
 * eligible VM that has reported is always below maxHostCpuPct ≤ 100, so an unknown one ranks after it.
 */
const UNKNOWN_CPU_PCT = 100;

/**
 * Least-loaded follows what the hosts actually report rather than what was promised to containers, for
 * work whose CPU use differs from its limits. Reports are seconds old, so within one step `placeMany`
 * spreads by container count between equally loaded VMs rather than piling onto one. Scale-in takes from
 * the busiest VM.
 */
export const leastLoaded = Object.freeze<PlacementStrategy>({
  name: 'least-loaded',
  placementKey: (load) => [load.hostCpuPct ?? UNKNOWN_CPU_PCT, load.hostCpuPct === undefined ? 1 : 0, load.totalContainers],
  victimVmKey: (load) => [load.hostCpuPct === undefined ? 1 : 0, -(load.hostCpuPct ?? 0), -load.serviceContainers],
  victimReason: 'most-loaded',
});
