import { PLACEMENT_STRATEGY_NAMES } from './types';

/**
 * A misspelt strategy in a config must stop start-up rather than quietly place some other way: a silent
 * default would look healthy while packing VMs the operator meant to spread over.
 */
export class UnknownPlacementStrategyError extends Error {
  readonly code = 'unknown-placement-strategy';
  readonly validNames: readonly string[] = PLACEMENT_STRATEGY_NAMES;
  constructor(readonly strategy: string) {
    // JSON.stringify so a name with control characters cannot forge log lines.
    super(`unknown placement strategy ${JSON.stringify(strategy)}; known strategies: ${PLACEMENT_STRATEGY_NAMES.join(', ')}`);
    this.name = 'UnknownPlacementStrategyError';
  }
}
