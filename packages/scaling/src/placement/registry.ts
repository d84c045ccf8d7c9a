import { UnknownPlacementStrategyError } from './errors';
import { binpack } from './strategies/binpack';
import { leastLoaded } from './strategies/least-loaded';
import { spread } from './strategies/spread';
import { PLACEMENT_STRATEGY_NAMES, type PlacementStrategy, type PlacementStrategyName } from './types';

/** A Record over the names, so adding a name to PLACEMENT_STRATEGY_NAMES without a strategy fails to compile. */
const STRATEGIES: Record<PlacementStrategyName, PlacementStrategy> = {
  spread,
  binpack,
  'least-loaded': leastLoaded,
};

export function isPlacementStrategyName(name: string): name is PlacementStrategyName {
  return (PLACEMENT_STRATEGY_NAMES as readonly string[]).includes(name);
}

/** For config: the name itself, checked. Throws `UnknownPlacementStrategyError` rather than falling back to a default. */
export function parsePlacementStrategyName(name: string): PlacementStrategyName {
  if (!isPlacementStrategyName(name)) throw new UnknownPlacementStrategyError(name);
  return name;
}

/** Strategies hold no state, so every call returns the same frozen instance. */
export function createPlacementStrategy(name: string): PlacementStrategy {
  return STRATEGIES[parsePlacementStrategyName(name)];
}
