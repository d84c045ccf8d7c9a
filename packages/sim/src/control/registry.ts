import { DeciderNotAvailableError } from '../errors';
import { reactiveDecider, type Decider } from './decider';
import { createPredictiveDecider, type PredictiveDeciderOptions } from './predictive';

/** Decision policies the command line accepts; `both` runs reactive and predictive on the same seed. */
export const POLICY_CHOICES = ['reactive', 'predictive', 'both'] as const;
export type PolicyChoice = (typeof POLICY_CHOICES)[number];

export type DeciderName = Exclude<PolicyChoice, 'both'>;

/** A trace day in trace seconds: the season a decider assumes unless told otherwise. */
export const TRACE_DAY_S = 86_400;

/** What a factory may tailor a decider to: the run's time compression and the predictive settings. */
export interface DeciderContext {
  /** Trace seconds per simulated second, so a trace day is TRACE_DAY_S / timeCompress simulated seconds. @default 1 */
  timeCompress?: number;
  /**
   * Predictive settings over PREDICTIVE_DEFAULTS. `seasonPeriodS` (simulated seconds) defaults to one
   * trace day; 0 turns the season off.
   */
  predictive?: Partial<PredictiveDeciderOptions>;
}

/** The deciders wired in: a factory here is all it takes for a name to work with `--policy`. */
const FACTORIES: Partial<Record<DeciderName, (context: DeciderContext) => Decider<unknown>>> = {
  reactive: () => reactiveDecider,
  predictive: (context) => {
    // A daily season by default: chooseModel keeps Holt until two days are in the history, and after that
    // only if Holt–Winters has the lower AIC, so a trace without a daily cycle loses nothing by it.
    const seasonPeriodS = TRACE_DAY_S / (context.timeCompress ?? 1);
    return createPredictiveDecider({ seasonPeriodS, ...context.predictive });
  },
};

export function availableDeciders(): DeciderName[] {
  return (Object.keys(FACTORIES) as DeciderName[]).sort();
}

/** @throws DeciderNotAvailableError for a known name with no implementation. */
export function createDecider(name: DeciderName, context: DeciderContext = {}): Decider<unknown> {
  const factory = FACTORIES[name];
  if (factory === undefined) throw new DeciderNotAvailableError(name, availableDeciders());
  return factory(context);
}

/** The runs a choice stands for, in report order. */
export function decidersFor(choice: PolicyChoice): DeciderName[] {
  return choice === 'both' ? ['reactive', 'predictive'] : [choice];
}
