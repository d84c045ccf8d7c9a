import {
  DEFAULT_VARIANCE_WINDOW_STEPS,
  FORECAST_GRID_ALPHA,
  FORECAST_GRID_BETA_STAR,
  FORECAST_GRID_GAMMA_STAR,
  FORECAST_GRID_PHI,
  FORECAST_MIN_FIT_OBSERVATIONS,
  FORECAST_PHI_MAX,
  FORECAST_PHI_MIN,
  FORECAST_SMOOTHING_MAX,
  FORECAST_SMOOTHING_MIN,
  FORECAST_START_ALPHA,
  FORECAST_START_BETA_STAR,
  FORECAST_START_GAMMA_STAR,
  FORECAST_START_PHI,
} from './defaults';
import { nelderMead } from './nelder-mead';
import { countObservations, initialDecomposition, runFilter, seasonPeriod, statesAt, toSeries, type SeasonShape } from './smoothing';
import type { CandidateFit, ChooseModelOptions, FitMethod, FitOptions, FittedModel, ForecastModelKind, SeasonalFitOptions, SmoothingParams } from './types';

/**
 * Fitting: the smoothing parameters minimise the mean squared one-step-ahead error over the history (the
 * least-squares fit, which for these additive-error models is also the maximum-likelihood fit), searched
 * by Nelder–Mead in an unconstrained space mapped onto the bounds by a logistic.
 */

export type ForecastHistory = ReadonlyArray<number | null | undefined>;

/** Level + trend (Holt's linear method, ETS(A,A,N), or ETS(A,Ad,N) when damped). */
export function fitHolt(history: ForecastHistory, options: FitOptions = {}): FittedModel {
  return fitKind(toSeries(history), 'holt', { m: 0, k: 1 }, options);
}

/**
 * Level + trend + additive season (ETS(A,A,A) / ETS(A,Ad,A)). With fewer than two full seasons of history
 * the seasonal slots start from whatever was seen (0 for unseen ones) and the parameters are still fitted;
 * `chooseModel` never picks it then.
 */
export function fitHoltWinters(history: ForecastHistory, options: SeasonalFitOptions): FittedModel {
  return fitKind(toSeries(history), 'holt-winters', seasonShape(options.seasonLength, options.seasonBucketSteps), options);
}

/**
 * Holt, or Holt–Winters when a season length is given and the history holds two full seasons (2 × m ×
 * seasonBucketSteps steps, at least half of them observed), whichever has the lower AIC; a tie goes to
 * Holt, the simpler one. AIC rather than a holdout: both filters run over the same observations from
 * step 0, so their AICs compare directly, nothing is refitted, and no recent data (the part that matters
 * most for the next minutes) is held out of the fit. The m − 1 free seasonal starting values are counted
 * as parameters, so a season must earn its keep.
 */
export function chooseModel(history: ForecastHistory, seasonLength?: number, options: ChooseModelOptions = {}): FittedModel {
  const series = toSeries(history);
  const holt = fitKind(series, 'holt', { m: 0, k: 1 }, options);
  const candidates: CandidateFit[] = [candidate(holt)];
  if (seasonLength === undefined) return { ...holt, selection: { candidates, reason: 'no season length given → Holt' } };

  const shape = seasonShape(seasonLength, options.seasonBucketSteps);
  const needed = 2 * seasonPeriod(shape);
  const observed = countObservations(series);
  if (series.length < needed || observed < needed / 2) {
    const reason = `${series.length} steps (${observed} observed), short of two full seasons (${needed} steps, half observed) → Holt`;
    return { ...holt, selection: { candidates, reason } };
  }
  const winters = fitKind(series, 'holt-winters', shape, options);
  candidates.push(candidate(winters));
  const wintersWins = winters.fit.aic < holt.fit.aic;
  const reason = wintersWins
    ? `Holt–Winters AIC ${round(winters.fit.aic)} < Holt AIC ${round(holt.fit.aic)} → Holt–Winters`
    : `Holt AIC ${round(holt.fit.aic)} ≤ Holt–Winters AIC ${round(winters.fit.aic)} → Holt`;
  return { ...(wintersWins ? winters : holt), selection: { candidates, reason } };
}

function seasonShape(seasonLength: number, bucketSteps = 1): SeasonShape {
  if (!Number.isSafeInteger(seasonLength) || seasonLength < 2) throw new RangeError(`seasonLength must be an integer ≥ 2, got ${String(seasonLength)}`);
  if (!Number.isSafeInteger(bucketSteps) || bucketSteps < 1) throw new RangeError(`seasonBucketSteps must be an integer ≥ 1, got ${String(bucketSteps)}`);
  return { m: seasonLength, k: bucketSteps };
}

function candidate(model: FittedModel): CandidateFit {
  return { kind: model.kind, aic: model.fit.aic, mse: model.fit.mse };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Which classic-form coefficients the search moves, in this order. */
interface Space {
  seasonal: boolean;
  damped: boolean;
}

function dimensions(space: Space): number {
  return 2 + (space.seasonal ? 1 : 0) + (space.damped ? 1 : 0);
}

const logistic = (z: number): number => 1 / (1 + Math.exp(-z));
const toBounded = (z: number, lo: number, hi: number): number => lo + (hi - lo) * logistic(z);
const toFree = (v: number, lo: number, hi: number): number => {
  const u = Math.min(Math.max((v - lo) / (hi - lo), 1e-9), 1 - 1e-9);
  return Math.log(u / (1 - u));
};

/** Classic-form values, each in its bounds. */
interface Classic {
  alpha: number;
  betaStar: number;
  gammaStar: number;
  phi: number;
}

function toParams(c: Classic, space: Space): SmoothingParams {
  return {
    alpha: c.alpha,
    beta: c.alpha * c.betaStar,
    gamma: space.seasonal ? (1 - c.alpha) * c.gammaStar : 0,
    phi: space.damped ? c.phi : 1,
  };
}

function decode(z: readonly number[], space: Space): Classic {
  let i = 0;
  const next = (lo: number, hi: number): number => toBounded(z[i++] ?? 0, lo, hi);
  const alpha = next(FORECAST_SMOOTHING_MIN, FORECAST_SMOOTHING_MAX);
  const betaStar = next(FORECAST_SMOOTHING_MIN, FORECAST_SMOOTHING_MAX);
  const gammaStar = space.seasonal ? next(FORECAST_SMOOTHING_MIN, FORECAST_SMOOTHING_MAX) : 0;
  const phi = space.damped ? next(FORECAST_PHI_MIN, FORECAST_PHI_MAX) : 1;
  return { alpha, betaStar, gammaStar, phi };
}

function encode(c: Classic, space: Space): number[] {
  const z = [toFree(c.alpha, FORECAST_SMOOTHING_MIN, FORECAST_SMOOTHING_MAX), toFree(c.betaStar, FORECAST_SMOOTHING_MIN, FORECAST_SMOOTHING_MAX)];
  if (space.seasonal) z.push(toFree(c.gammaStar, FORECAST_SMOOTHING_MIN, FORECAST_SMOOTHING_MAX));
  if (space.damped) z.push(toFree(c.phi, FORECAST_PHI_MIN, FORECAST_PHI_MAX));
  return z;
}

function defaultParams(space: Space, given: Partial<SmoothingParams> = {}): SmoothingParams {
  const start = toParams({ alpha: FORECAST_START_ALPHA, betaStar: FORECAST_START_BETA_STAR, gammaStar: FORECAST_START_GAMMA_STAR, phi: FORECAST_START_PHI }, space);
  const params = { ...start, ...given };
  if (!space.seasonal) params.gamma = 0;
  for (const [name, value] of Object.entries(params)) {
    if (!Number.isFinite(value) || value < 0 || value > 1) throw new RangeError(`params.${name} must be within [0, 1], got ${String(value)}`);
  }
  return params;
}

function fitKind(series: Float64Array, kind: ForecastModelKind, shape: SeasonShape, options: FitOptions): FittedModel {
  const space: Space = { seasonal: kind === 'holt-winters', damped: options.damped ?? false };
  const varianceWindow = options.varianceWindow ?? DEFAULT_VARIANCE_WINDOW_STEPS;
  if (!Number.isSafeInteger(varianceWindow) || varianceWindow < 1) throw new RangeError(`varianceWindow must be an integer ≥ 1, got ${String(varianceWindow)}`);
  const observed = countObservations(series);
  // Scaling by the mean square makes the tolerances relative, whatever the units or size of the load.
  const scale = meanSquare(series) || 1;
  const decomposition = initialDecomposition(series, shape);
  let evaluations = 0;
  const mseOf = (params: SmoothingParams): number => {
    evaluations += 1;
    const { sse, observations } = runFilter(series, statesAt(decomposition, params.phi), params, shape, varianceWindow);
    return observations > 0 ? sse / observations / scale : 0;
  };

  let params: SmoothingParams;
  let method: FitMethod;
  if (options.params !== undefined || observed < FORECAST_MIN_FIT_OBSERVATIONS) {
    params = defaultParams(space, options.params);
    method = 'default';
  } else {
    ({ params, method } = search(space, mseOf));
  }

  const run = runFilter(series, statesAt(decomposition, params.phi), params, shape, varianceWindow);
  const mse = run.observations > 0 ? run.sse / run.observations : 0;
  const parameters = dimensions(space) + 2 + (space.seasonal ? shape.m - 1 : 0);
  return {
    version: 1,
    kind,
    params,
    seasonLength: space.seasonal ? shape.m : 0,
    seasonBucketSteps: space.seasonal ? shape.k : 1,
    level: finiteOr(run.level, 0),
    trend: finiteOr(run.trend, 0),
    season: Array.from(run.season, (s) => finiteOr(s, 0)),
    phase: run.phase,
    residualVariance: finiteOr(run.variance, 0),
    residualCount: run.varianceCount,
    varianceWindow,
    observations: run.observations,
    steps: series.length,
    nonNegative: options.nonNegative ?? true,
    fit: { method, observations: run.observations, mse: finiteOr(mse, 0), aic: aic(run.observations, mse, parameters), parameters, evaluations },
  };
}

/**
 * Nelder–Mead from the textbook start; when it ends no better than that start (a flat or ragged surface,
 * or an objective that overflowed), a coarse grid, keeping whichever of the two is lower.
 */
function search(space: Space, mseOf: (p: SmoothingParams) => number): { params: SmoothingParams; method: FitMethod } {
  const objective = (z: readonly number[]): number => mseOf(toParams(decode(z, space), space));
  const startClassic: Classic = { alpha: FORECAST_START_ALPHA, betaStar: FORECAST_START_BETA_STAR, gammaStar: FORECAST_START_GAMMA_STAR, phi: FORECAST_START_PHI };
  const z0 = encode(startClassic, space);
  const f0 = objective(z0);
  const result = nelderMead(objective, z0, { step: 1, fTolerance: 1e-8, xTolerance: 1e-4 });
  const simplexParams = toParams(decode(result.x, space), space);
  if (Number.isFinite(result.fx) && result.fx < f0) return { params: simplexParams, method: 'nelder-mead' };

  let best = { params: simplexParams, f: Number.isFinite(result.fx) ? result.fx : Number.POSITIVE_INFINITY };
  let gridWon = false;
  for (const alpha of FORECAST_GRID_ALPHA) {
    for (const betaStar of FORECAST_GRID_BETA_STAR) {
      for (const gammaStar of space.seasonal ? FORECAST_GRID_GAMMA_STAR : [0]) {
        for (const phi of space.damped ? FORECAST_GRID_PHI : [1]) {
          const params = toParams({ alpha, betaStar, gammaStar, phi }, space);
          const f = mseOf(params);
          if (Number.isFinite(f) && f < best.f) {
            best = { params, f };
            gridWon = true;
          }
        }
      }
    }
  }
  return { params: best.params, method: gridWon ? 'grid' : 'nelder-mead' };
}

function meanSquare(series: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (const y of series) {
    if (Number.isNaN(y)) continue;
    sum += y * y;
    count += 1;
  }
  const value = count > 0 ? sum / count : 0;
  return Number.isFinite(value) ? value : Number.MAX_VALUE;
}

/**
 * n·ln(σ̂²) + 2k, the Gaussian AIC up to a constant that is the same for every model on the same data. A
 * perfect fit (σ̂² = 0) is floored at the smallest positive double so the comparison stays finite.
 */
function aic(observations: number, mse: number, parameters: number): number {
  if (observations === 0) return 2 * parameters;
  const variance = Number.isFinite(mse) ? Math.max(mse, Number.MIN_VALUE) : Number.MAX_VALUE;
  return observations * Math.log(variance) + 2 * parameters;
}

function finiteOr(value: number, fallback: number): number {
  return Number.isFinite(value) ? value : fallback;
}
