/**
 * The forecaster's vocabulary. A model is plain JSON-safe data: the VIM persists it next to the history it
 * was fitted on, so a restart resumes with the same level, trend and season instead of relearning them.
 *
 * Time is counted in steps: one observation per step, equally spaced (one control period in the VIM and the
 * simulator). A missing observation is `null` (or any non-finite number) and still takes its step.
 */

/** `holt`: level + trend. `holt-winters`: level + trend + additive season. */
export type ForecastModelKind = 'holt' | 'holt-winters';

/**
 * Smoothing coefficients in error-correction form (Hyndman et al. 2008, ch. 2), the form the update and
 * the interval formulas use:
 *
 *   ŷ = level + phi·trend + season[slot]            e = y − ŷ
 *   level ← level + phi·trend + alpha·e
 *   trend ← phi·trend + beta·e
 *   season[slot] ← season[slot] + (gamma / seasonBucketSteps)·e
 *
 * Fitting searches the classic textbook region instead: beta = alpha·β*, gamma = (1 − alpha)·γ*, with α, β*,
 * γ* in (0, 1), so 0 < beta ≤ alpha and 0 ≤ gamma ≤ 1 − alpha always hold.
 */
export interface SmoothingParams {
  alpha: number;
  beta: number;
  /** 0 for Holt. */
  gamma: number;
  /** Trend damping; 1 means undamped. */
  phi: number;
}

export type FitMethod = 'nelder-mead' | 'grid' | 'default';

/** How the parameters were found and how well they fit, for the event log and model selection. */
export interface FitInfo {
  /**
   * `nelder-mead`: the simplex search's answer. `grid`: the search ended no better than its start and a
   * coarse grid did better. `default`: parameters were given, or too little history (under 10
   * observations) to fit anything, so the defaults were kept.
   */
  method: FitMethod;
  /** Observations (non-gap values) the fit saw. */
  observations: number;
  /** Mean squared one-step-ahead error over those observations, with the chosen parameters. */
  mse: number;
  /** n·ln(mse) + 2k, k = smoothing parameters + initial states (Hyndman et al. 2008, §5.2). */
  aic: number;
  /** Parameters counted in `aic`. */
  parameters: number;
  /** Objective evaluations spent, for the timing budget. */
  evaluations: number;
}

export interface CandidateFit {
  kind: ForecastModelKind;
  aic: number;
  mse: number;
}

/** Filled by `chooseModel` only. */
export interface ModelSelection {
  /** Every model considered, the chosen one included. */
  candidates: CandidateFit[];
  /** Why the chosen one was chosen, one sentence. */
  reason: string;
}

/**
 * A fitted forecaster, ready for `updateModel` and `forecast`. Every field is a finite number (or a list
 * of them), so `JSON.parse(JSON.stringify(model))` is the same model.
 */
export interface FittedModel {
  /** Bumped when the shape changes, so a persisted model from an older build is refitted, not misread. */
  version: 1;
  kind: ForecastModelKind;
  params: SmoothingParams;
  /** Season slots m (0 for Holt). */
  seasonLength: number;
  /** Steps per season slot (1 for classic Holt–Winters; always 1 for Holt). The season spans m × this. */
  seasonBucketSteps: number;
  /** Level after the last step. */
  level: number;
  /** Trend per step after the last step. */
  trend: number;
  /** m additive slot effects (empty for Holt). */
  season: number[];
  /** Position of the next step within the season, 0 ≤ phase < m × seasonBucketSteps (0 for Holt). */
  phase: number;
  /** Mean squared one-step error: a plain mean of the first `varianceWindow` residuals, then exponentially weighted. */
  residualVariance: number;
  /** Residuals behind `residualVariance`, capped at `varianceWindow`. */
  residualCount: number;
  varianceWindow: number;
  /** Non-gap observations seen, fit and updates together. */
  observations: number;
  /** Steps seen, gaps included. */
  steps: number;
  /** Clamp forecasts and bounds at 0 (request rates, CPU). */
  nonNegative: boolean;
  fit: FitInfo;
  selection?: ModelSelection;
}

/** One step of a forecast: the point forecast and its prediction interval at the requested level. */
export interface ForecastStep {
  /** 1 is the next step. */
  step: number;
  mean: number;
  lower: number;
  upper: number;
}

export interface FitOptions {
  /** Fit a damped trend (phi in [0.8, 0.98]) instead of phi = 1. @default false */
  damped?: boolean;
  /** Clamp forecasts at 0. @default true */
  nonNegative?: boolean;
  /** Residuals the variance averages over before it starts forgetting. @default 200 */
  varianceWindow?: number;
  /** Skip fitting and use these (state-space) parameters; missing ones take the defaults. */
  params?: Partial<SmoothingParams>;
}

export interface SeasonalFitOptions extends FitOptions {
  /** Season slots m, an integer ≥ 2. */
  seasonLength: number;
  /** Steps per slot: 1 is classic Holt–Winters; 1800 with 2 s steps makes m = 24 hourly slots. @default 1 */
  seasonBucketSteps?: number;
}

export interface ChooseModelOptions extends FitOptions {
  /** Steps per season slot when `seasonLength` is given. @default 1 */
  seasonBucketSteps?: number;
}
