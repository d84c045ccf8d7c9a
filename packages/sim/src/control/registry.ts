import { DeciderNotAvailableError } from '../errors';
import { reactiveDecider, type Decider } from './decider';

/** Decision policies the command line accepts; `both` runs reactive and predictive on the same seed. */
export const POLICY_CHOICES = ['reactive', 'predictive', 'both'] as const;
export type PolicyChoice = (typeof POLICY_CHOICES)[number];

export type DeciderName = Exclude<PolicyChoice, 'both'>;

/**
 * The deciders wired in. 'predictive' is named but not here yet: adding its factory is all it takes for
 * `--policy predictive` and `--policy both` to work.
 */
const FACTORIES: Partial<Record<DeciderName, () => Decider<unknown>>> = {
  reactive: () => reactiveDecider,
};

export function availableDeciders(): DeciderName[] {
  return (Object.keys(FACTORIES) as DeciderName[]).sort();
}

/** @throws DeciderNotAvailableError for a known name with no implementation yet. */
export function createDecider(name: DeciderName): Decider<unknown> {
  const factory = FACTORIES[name];
  if (factory === undefined) throw new DeciderNotAvailableError(name, availableDeciders());
  return factory();
}

/** The runs a choice stands for, in report order. */
export function decidersFor(choice: PolicyChoice): DeciderName[] {
  return choice === 'both' ? ['reactive', 'predictive'] : [choice];
}
