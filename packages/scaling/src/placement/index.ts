export * from './types';
export { UnknownPlacementStrategyError } from './errors';
export { createPlacementStrategy, isPlacementStrategyName, parsePlacementStrategyName } from './registry';
export {
  DEFAULT_CPU_OVERCOMMIT,
  DEFAULT_MAX_HOST_CPU_PCT,
  DEFAULT_PLACEMENT_SETTINGS,
  DEFAULT_PLACEMENT_STRATEGY,
  resolvePlacementSettings,
  type PlacementSettingsInput,
} from './settings';
export { place, placeMany, type MultiPlacementResult } from './place';
export { chooseVictims } from './victims';
export {
  containersNeedingReplacement,
  countServiceReplicas,
  releasableFromDrainingVms,
  type ReplacementNeed,
  type ReplacementReason,
  type ServiceReplicaCounts,
} from './replacement';
