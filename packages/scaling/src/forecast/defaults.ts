/**
 * Every forecaster default in one place. Parameter bounds follow R's forecast::ets, which most published
 * exponential-smoothing results use, so fitted values are comparable with the literature.
 */

/** Lower and upper bounds of α, β* and γ* (the classic-form coefficients the search moves). */
export const FORECAST_SMOOTHING_MIN = 1e-4;
export const FORECAST_SMOOTHING_MAX = 0.9999;
export const FORECAST_PHI_MIN = 0.8;
export const FORECAST_PHI_MAX = 0.98;

/** Where the search starts (classic form): a middling level response, a slow trend and season. */
export const FORECAST_START_ALPHA = 0.5;
export const FORECAST_START_BETA_STAR = 0.1;
export const FORECAST_START_GAMMA_STAR = 0.1;
export const FORECAST_START_PHI = 0.95;

/** Below this many observations the parameters are not fitted: the error surface is too flat to mean anything. */
export const FORECAST_MIN_FIT_OBSERVATIONS = 10;
/** Holt's level and trend start from a least-squares line through this many first observations (as ets does). */
export const FORECAST_HOLT_INIT_OBSERVATIONS = 10;
/**
 * About 7 minutes of 2 s steps: long enough that σ² has ~10 % relative error (√(2/200)), short enough that
 * intervals widen within minutes when the load turns noisy.
 */
export const DEFAULT_VARIANCE_WINDOW_STEPS = 200;
export const DEFAULT_FORECAST_LEVEL = 0.95;

/**
 * Coarse grid tried when Nelder–Mead ends no better than where it started (a flat or ragged error
 * surface). Classic-form values.
 */
export const FORECAST_GRID_ALPHA: readonly number[] = [0.05, 0.2, 0.4, 0.6, 0.8, 0.95];
export const FORECAST_GRID_BETA_STAR: readonly number[] = [0.01, 0.05, 0.2, 0.5];
export const FORECAST_GRID_GAMMA_STAR: readonly number[] = [0.01, 0.1, 0.3, 0.6];
export const FORECAST_GRID_PHI: readonly number[] = [0.85, 0.92, 0.98];
