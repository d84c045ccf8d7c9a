import type { ForecastStep } from './types';

/**
 * How good the forecasts have been lately: forecasts are recorded when made, paired with the actual when
 * its step comes, and the last `window` pairs give MAPE and interval coverage. Plain state in, plain state
 * out, so the VIM can persist it with the model and the dashboard can show it.
 *
 * Steps are the caller's counter of control periods (the same one for forecasts and actuals), not
 * timestamps: a timestamp jittered by a late tick would never match its forecast.
 */

export interface AccuracyOptions {
  /** Pairs kept. @default 500 */
  window?: number;
  /**
   * Actuals with |actual| below this are left out of MAPE (not of coverage): near zero, a percentage error
   * explodes on a difference of a request or two that no capacity decision cares about. @default 1 (req/s)
   */
  minActualForMape?: number;
}

export const DEFAULT_ACCURACY_WINDOW = 500;
export const DEFAULT_MIN_ACTUAL_FOR_MAPE = 1;

export interface PendingForecast {
  /** The step the forecast is for. */
  dueStep: number;
  /** How many steps ahead it was made. */
  horizon: number;
  mean: number;
  lower: number;
  upper: number;
}

export interface AccuracyPair extends PendingForecast {
  actual: number;
}

export interface AccuracyState {
  window: number;
  minActualForMape: number;
  /** Forecasts whose step has not come yet, oldest first. */
  pending: PendingForecast[];
  /** The last `window` pairs, oldest first. */
  pairs: AccuracyPair[];
}

export interface AccuracySummary {
  pairs: number;
  /** Pairs that counted towards MAPE. */
  mapePairs: number;
  /** Mean absolute percentage error as a fraction (0.12 = 12 %); null with no pair above the threshold. */
  mape: number | null;
  /** Share of actuals within [lower, upper]; null with no pair. Compare with the forecast level. */
  coverage: number | null;
  /** Mean |actual − mean| in the load's own units; null with no pair. */
  meanAbsoluteError: number | null;
}

export function createAccuracyTracker(options: AccuracyOptions = {}): AccuracyState {
  const window = options.window ?? DEFAULT_ACCURACY_WINDOW;
  const minActualForMape = options.minActualForMape ?? DEFAULT_MIN_ACTUAL_FOR_MAPE;
  if (!Number.isSafeInteger(window) || window < 1) throw new RangeError(`window must be an integer ≥ 1, got ${String(window)}`);
  if (!Number.isFinite(minActualForMape) || minActualForMape < 0) throw new RangeError(`minActualForMape must be a number ≥ 0, got ${String(minActualForMape)}`);
  return { window, minActualForMape, pending: [], pairs: [] };
}

/**
 * Remembers `forecast` (made at step `atStep`, for step atStep + forecast.step) until its actual arrives.
 * Pending forecasts are capped at `window`, oldest dropped, so a caller that stops reporting actuals
 * cannot grow the state without bound.
 */
export function recordForecast(state: AccuracyState, atStep: number, forecast: ForecastStep): AccuracyState {
  if (![forecast.mean, forecast.lower, forecast.upper].every(Number.isFinite)) return state;
  const entry: PendingForecast = {
    dueStep: atStep + forecast.step,
    horizon: forecast.step,
    mean: forecast.mean,
    lower: forecast.lower,
    upper: forecast.upper,
  };
  const pending = [...state.pending, entry].sort((a, b) => a.dueStep - b.dueStep);
  return { ...state, pending: pending.slice(Math.max(0, pending.length - state.window)) };
}

/**
 * The actual of step `atStep`: pairs it with every pending forecast due then, and drops pending ones due
 * earlier (their actual was missed). A missing actual (null, NaN) pairs nothing and drops those due.
 */
export function recordActual(state: AccuracyState, atStep: number, actual: number | null | undefined): AccuracyState {
  const due = state.pending.filter((p) => p.dueStep <= atStep);
  if (due.length === 0) return state;
  const pending = state.pending.filter((p) => p.dueStep > atStep);
  if (typeof actual !== 'number' || !Number.isFinite(actual)) return { ...state, pending };
  const paired = due.filter((p) => p.dueStep === atStep).map((p) => ({ ...p, actual }));
  const pairs = [...state.pairs, ...paired];
  return { ...state, pending, pairs: pairs.slice(Math.max(0, pairs.length - state.window)) };
}

/** Summarises the kept pairs, optionally only those made `horizon` steps ahead. */
export function accuracySummary(state: AccuracyState, horizon?: number): AccuracySummary {
  const pairs = horizon === undefined ? state.pairs : state.pairs.filter((p) => p.horizon === horizon);
  let inside = 0;
  let absolute = 0;
  let percentage = 0;
  let mapePairs = 0;
  for (const p of pairs) {
    if (p.actual >= p.lower && p.actual <= p.upper) inside += 1;
    const error = Math.abs(p.actual - p.mean);
    absolute += error;
    if (Math.abs(p.actual) >= state.minActualForMape && p.actual !== 0) {
      percentage += error / Math.abs(p.actual);
      mapePairs += 1;
    }
  }
  const n = pairs.length;
  return {
    pairs: n,
    mapePairs,
    mape: mapePairs > 0 ? percentage / mapePairs : null,
    coverage: n > 0 ? inside / n : null,
    meanAbsoluteError: n > 0 ? absolute / n : null,
  };
}
