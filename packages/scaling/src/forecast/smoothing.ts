import { FORECAST_HOLT_INIT_OBSERVATIONS } from './defaults';
import type { SmoothingParams } from './types';

/**
 * The exponential-smoothing recursions shared by fitting (run over the whole history once per objective
 * evaluation), `updateModel` (one step) and model selection. Holt is the seasonal model with m = 0.
 *
 * Gaps: a missing value is imputed by the model's own one-step forecast, i.e. the step runs with error 0.
 * Level and trend keep extrapolating and the season keeps turning, so the slots stay aligned with time; the
 * gap adds nothing to the squared error or the residual variance. Dropping the step instead would shift
 * every later observation onto the wrong season slot.
 */

/** A season of `m` slots, each `k` steps wide; m = 0 is no season. */
export interface SeasonShape {
  m: number;
  k: number;
}

export interface SmoothingStates {
  level: number;
  trend: number;
  season: Float64Array;
}

export interface FilterResult extends SmoothingStates {
  /** Phase of the step after the last one. */
  phase: number;
  sse: number;
  observations: number;
  variance: number;
  varianceCount: number;
}

export function seasonPeriod(shape: SeasonShape): number {
  return shape.m === 0 ? 0 : shape.m * shape.k;
}

export function slotAt(phase: number, shape: SeasonShape): number {
  return Math.floor(phase / shape.k);
}

/** Gaps become NaN, so the hot loop tests one thing. */
export function toSeries(history: ReadonlyArray<number | null | undefined>): Float64Array {
  const series = new Float64Array(history.length);
  for (let t = 0; t < history.length; t++) {
    const value = history[t];
    series[t] = typeof value === 'number' && Number.isFinite(value) ? value : Number.NaN;
  }
  return series;
}

export function countObservations(series: Float64Array, from = 0, to = series.length): number {
  let count = 0;
  for (let t = from; t < to; t++) if (!Number.isNaN(series[t] ?? Number.NaN)) count += 1;
  return count;
}

/**
 * The running mean of squared residuals until `window` have been seen, then an EWMA with weight 1/window:
 * O(1) per step, and it forgets a calm (or stormy) past at the same pace as an average over `window`.
 */
export function nextVariance(variance: number, count: number, squaredError: number, window: number): { variance: number; count: number } {
  const next = Math.min(count + 1, window);
  return { variance: variance + (squaredError - variance) / next, count: next };
}

/**
 * Runs the recursions over `series` from `start`, starting at phase 0. Returns the final states with the
 * one-step squared error summed over the observed steps.
 */
export function runFilter(series: Float64Array, start: SmoothingStates, params: SmoothingParams, shape: SeasonShape, varianceWindow: number): FilterResult {
  const { alpha, beta, phi } = params;
  const period = seasonPeriod(shape);
  const seasonal = period > 0;
  const gain = seasonal ? params.gamma / shape.k : 0;
  const season = Float64Array.from(start.season);
  let level = start.level;
  let trend = start.trend;
  let phase = 0;
  let slotStep = 0;
  let slot = 0;
  let sse = 0;
  let observations = 0;
  let variance = 0;
  let varianceCount = 0;

  for (let t = 0; t < series.length; t++) {
    const y = series[t] ?? Number.NaN;
    const s = seasonal ? (season[slot] ?? 0) : 0;
    const damped = phi * trend;
    let error = 0;
    if (!Number.isNaN(y)) {
      error = y - (level + damped + s);
      const squared = error * error;
      sse += squared;
      observations += 1;
      // nextVariance, inlined: this loop runs once per step per objective evaluation.
      const next = Math.min(varianceCount + 1, varianceWindow);
      variance += (squared - variance) / next;
      varianceCount = next;
    }
    level = level + damped + alpha * error;
    trend = damped + beta * error;
    if (seasonal) {
      season[slot] = s + gain * error;
      phase += 1;
      slotStep += 1;
      if (phase === period) {
        phase = 0;
        slotStep = 0;
        slot = 0;
      } else if (slotStep === shape.k) {
        slotStep = 0;
        slot += 1;
      }
    }
  }
  return { level, trend, season, phase, sse, observations, variance, varianceCount };
}

/** The starting line and season, before damping places the level; fitting computes it once. */
export interface InitialDecomposition {
  intercept: number;
  slope: number;
  season: Float64Array;
}

/** Sets the states one step before the first observation, so the first forecast is the line at step 0. */
export function statesAt(start: InitialDecomposition, phi: number): SmoothingStates {
  return { level: start.intercept - phi * start.slope, trend: start.slope, season: start.season };
}

/**
 * Starting states, as R's forecast::ets does heuristically (Hyndman et al. 2008, §2.6.1), so the fit only
 * searches the smoothing parameters:
 * - Holt: a least-squares line through the first 10 observations.
 * - Holt–Winters with two full seasons: the trend from the difference of the two seasons' means, the level
 *   from the first season's mean, and each slot the mean deviation from that line over both seasons,
 *   centred to sum to zero. With less history, the line of the Holt case and whatever slots it saw.
 */
export function initialDecomposition(series: Float64Array, shape: SeasonShape): InitialDecomposition {
  const period = seasonPeriod(shape);
  const line = period > 0 && series.length >= 2 * period ? seasonMeansLine(series, period) : null;
  const { intercept, slope } = line ?? leastSquaresLine(series, FORECAST_HOLT_INIT_OBSERVATIONS);
  const season = new Float64Array(shape.m);
  if (period > 0) {
    const sums = new Float64Array(shape.m);
    const counts = new Float64Array(shape.m);
    const end = Math.min(series.length, 2 * period);
    for (let t = 0; t < end; t++) {
      const y = series[t] ?? Number.NaN;
      if (Number.isNaN(y)) continue;
      const slot = slotAt(t % period, shape);
      sums[slot] = (sums[slot] ?? 0) + y - (intercept + slope * t);
      counts[slot] = (counts[slot] ?? 0) + 1;
    }
    let total = 0;
    for (let i = 0; i < shape.m; i++) {
      const count = counts[i] ?? 0;
      season[i] = count > 0 ? (sums[i] ?? 0) / count : 0;
      total += season[i] ?? 0;
    }
    const mean = total / shape.m;
    for (let i = 0; i < shape.m; i++) season[i] = (season[i] ?? 0) - mean;
  }
  return { intercept, slope, season };
}

function seasonMeansLine(series: Float64Array, period: number): { intercept: number; slope: number } | null {
  const first = meanOf(series, 0, period);
  const second = meanOf(series, period, 2 * period);
  if (first === null || second === null) return null;
  const slope = (second - first) / period;
  return { intercept: first - (slope * (period - 1)) / 2, slope };
}

function meanOf(series: Float64Array, from: number, to: number): number | null {
  let sum = 0;
  let count = 0;
  for (let t = from; t < to; t++) {
    const y = series[t] ?? Number.NaN;
    if (Number.isNaN(y)) continue;
    sum += y;
    count += 1;
  }
  return count > 0 ? sum / count : null;
}

/** Through the first `take` observations, at their own step numbers (gaps are skipped, not closed up). */
function leastSquaresLine(series: Float64Array, take: number): { intercept: number; slope: number } {
  const ts: number[] = [];
  const ys: number[] = [];
  for (let t = 0; t < series.length && ts.length < take; t++) {
    const y = series[t] ?? Number.NaN;
    if (Number.isNaN(y)) continue;
    ts.push(t);
    ys.push(y);
  }
  const n = ts.length;
  if (n === 0) return { intercept: 0, slope: 0 };
  const meanT = ts.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dt = (ts[i] ?? 0) - meanT;
    sxy += dt * ((ys[i] ?? 0) - meanY);
    sxx += dt * dt;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { intercept: meanY - slope * meanT, slope };
}
