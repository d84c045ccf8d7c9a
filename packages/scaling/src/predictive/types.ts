import type { ForecastStep } from '../forecast/types';
import type { RecommenderState } from '../recommender/types';

/**
 * Predictive scaling's vocabulary: a forecast in, a container count with its reasoning out, and the
 * learners that supply its two measured inputs (per-container capacity and container start time) as
 * plain data carried between calls.
 */

export const PREDICTIVE_MODES = ['off', 'forecast-only', 'on'] as const;

/**
 * `off`: the reactive count only. `forecast-only`: the reactive count, with what the forecast would have
 * done reported (a dry run, for the event log). `on`: the larger of the two.
 */
export type PredictiveMode = (typeof PREDICTIVE_MODES)[number];

export interface ConfidenceHeadroom {
  /**
   * The interval counts as wide when (upper − lower) / mean at the deciding step exceeds this. 0.5 is a
   * 95 % interval whose σ is about 13 % of the mean; Poisson-like load of a few hundred req/s stays well
   * under it, bursty or just-shifted load goes over. @default 0.5
   */
  wideRelativeWidth: number;
  /**
   * Extra capacity, as a fraction of the upper bound, at twice that width and beyond; it ramps linearly
   * from 0 at the threshold, so a width hovering around it does not make the count flap. @default 0.2
   */
  headroomFraction: number;
}

export interface PredictiveInput {
  /** From `forecast(model, horizonSteps, level)`, step 1 first. */
  forecast: readonly ForecastStep[];
  /** p90 container start-to-ready time plus one control period, in forecast steps (`predictionHorizonSteps`). */
  horizonSteps: number;
  /** Requests/s one container serves at the target utilisation (`capacityEstimate`). */
  perContainerRps: number;
  currentReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  confidenceHeadroom?: Partial<ConfidenceHeadroom>;
}

/** `forecast`: the count comes from the forecast; otherwise there was nothing to go on and it has no say. */
export type PredictiveReason = 'forecast' | 'no-forecast' | 'no-capacity';

export interface PredictiveExplanation {
  reason: PredictiveReason;
  horizonSteps: number;
  /** Forecast steps within the horizon that were looked at (fewer than horizonSteps when the forecast is short). */
  stepsUsed: number;
  /** The step whose upper bound is the highest; null without a forecast. */
  decidingStep: number | null;
  meanAtDecidingStep: number | null;
  lowerAtDecidingStep: number | null;
  /** (upper − lower) / mean at the deciding step; null without a forecast. */
  relativeWidth: number | null;
  wideRelativeWidth: number;
  /** Headroom actually added, as a fraction of the upper bound (0 unless the interval is wide). */
  headroomFraction: number;
  /** upperAtHorizon × (1 + headroomFraction): the load the count is sized for. */
  provisionedRps: number;
  perContainerRps: number;
  /** ceil(provisionedRps / perContainerRps) before min/max. */
  raw: number;
  /** Set when min/max changed `raw`. */
  clamped: 'min' | 'max' | null;
  currentReplicas: number;
  minReplicas: number;
  maxReplicas: number;
}

export interface PredictiveRecommendation {
  /** Containers needed to serve the forecast's upper bound over the horizon, in [min, max]. */
  replicas: number;
  /** False when there was no forecast or no capacity: `replicas` is then minReplicas and combining ignores it. */
  hasOpinion: boolean;
  /** The highest upper bound over steps 1…horizon (0 without a forecast). */
  upperAtHorizon: number;
  explanation: PredictiveExplanation;
  /** One sentence for `acs why`. */
  summary: string;
}

export type CombineReason =
  /** Mode `off`. */
  | 'off'
  /** The reactive count is at least the forecast's (or the forecast has no opinion). */
  | 'reactive'
  /** Mode `on` and the forecast asked for more than the reactive rule. */
  | 'forecast-raised'
  /** Mode `forecast-only`: the reactive count stands; `wouldBe` is what `on` would have done. */
  | 'forecast-only'
  /** The service asks for 0 containers: autoscaling is switched off and the forecast does not switch it on. */
  | 'scaling-disabled';

export interface CombinedRecommendation {
  /** The count to ask for now. */
  desired: number;
  mode: PredictiveMode;
  reactive: number;
  /** The forecast's count; null when it had no opinion. */
  predictive: number | null;
  /** What mode `on` gives; differs from `desired` only in `forecast-only`, where it is worth an event. */
  wouldBe: number;
  reason: CombineReason;
  /**
   * Pass this, not `reactive.state`, to the next `recommend`: a forecast-raised count is recorded as this
   * period's scale event (so the rate policies count it) and as its recommendation (so the scale-down
   * stabilisation window holds it, as it would a reactive scale-up).
   */
  state: RecommenderState;
  /** One sentence for `acs why`. */
  summary: string;
}

/** A learned value, or the configured default until enough samples have been seen. */
export interface Estimate {
  value: number;
  source: 'learned' | 'default';
  samples: number;
}
