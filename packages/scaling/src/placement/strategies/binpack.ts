import type { PlacementStrategy } from '../types';

/**
 * Binpack fills the fullest VM that still has room, leaving others empty so they can be retired or given
 * to a large container later. Scale-in takes from the emptiest VM, to empty it.
 */
export const binpack = Object.freeze<PlacementStrategy>({
  name: 'binpack',
  // 0 - n rather than -n: an empty VM would otherwise score -0, which reads oddly in the event log.
  placementKey: (load) => [0 - load.totalContainers],
  victimVmKey: (load) => [load.totalContainers],
  victimReason: 'fewest-containers',
});
