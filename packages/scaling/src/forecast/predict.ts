import { DEFAULT_FORECAST_LEVEL } from './defaults';
import { normalQuantile } from './normal';
import { nextVariance, slotAt } from './smoothing';
import type { FittedModel, ForecastStep } from './types';

/**
 * One control period's observation: the one-step error corrects level, trend and the current season slot;
 * O(1) apart from copying the m season slots, which keeps the old model untouched (24 slots at the
 * recommended granularity). A missing value (`null`, `undefined`, NaN, ±∞) runs the step with error 0: the
 * model's own forecast stands in for it, the season still turns, and the residual variance is not touched.
 */
export function updateModel(model: FittedModel, value: number | null | undefined): FittedModel {
  const { alpha, beta, gamma, phi } = model.params;
  const seasonal = model.seasonLength > 0;
  const slot = seasonal ? slotAt(model.phase, { m: model.seasonLength, k: model.seasonBucketSteps }) : 0;
  const s = seasonal ? (model.season[slot] ?? 0) : 0;
  const damped = phi * model.trend;
  const observed = typeof value === 'number' && Number.isFinite(value);
  const error = observed ? value - (model.level + damped + s) : 0;
  if (!Number.isFinite(error)) return { ...model, steps: model.steps + 1, phase: nextPhase(model) };

  const level = model.level + damped + alpha * error;
  const trend = damped + beta * error;
  let season = model.season;
  if (seasonal && error !== 0) {
    season = [...model.season];
    season[slot] = s + (gamma / model.seasonBucketSteps) * error;
  }
  const variance = observed ? nextVariance(model.residualVariance, model.residualCount, error * error, model.varianceWindow) : null;
  const residualVariance = variance === null || !Number.isFinite(variance.variance) ? model.residualVariance : variance.variance;
  const next: FittedModel = {
    ...model,
    level: Number.isFinite(level) ? level : model.level,
    trend: Number.isFinite(trend) ? trend : model.trend,
    season: season.every(Number.isFinite) ? season : model.season,
    phase: nextPhase(model),
    residualVariance,
    residualCount: variance?.count ?? model.residualCount,
    observations: model.observations + (observed ? 1 : 0),
    steps: model.steps + 1,
  };
  return next;
}

function nextPhase(model: FittedModel): number {
  const period = model.seasonLength * model.seasonBucketSteps;
  return period > 0 ? (model.phase + 1) % period : 0;
}

/**
 * Point forecasts for steps 1…horizonSteps with a prediction interval at `level` (0.95 → the central 95 %).
 *
 * The interval is mean ± z·σ_h with z the normal quantile and the closed-form h-step variance of the
 * class 1 (linear, homoscedastic) models of Hyndman et al. 2008, Table 6.1:
 *
 *   σ_h² = σ² · (1 + Σ_{j=1}^{h−1} c_j²),   c_j = α + β·φ_j + γ·[j is a whole number of seasons],
 *   φ_j = φ + φ² + … + φ^j  (= j undamped)
 *
 * σ² is the model's residual variance. With season slots k > 1 steps wide the seasonal term is γ/k and
 * applies to the errors at earlier steps of the horizon that update the same slot the forecast reads;
 * for k = 1 that is exactly the indicator above. The formula assumes Gaussian errors of constant variance
 * and known parameters, so it runs slightly narrow on bursty load; the accuracy tracker shows how much.
 *
 * With `nonNegative` (the default for request rates), mean and bounds are clamped at 0. Every number is
 * finite: a model that produced a non-finite one (overflowing input) falls back to its level with a zero-
 * width interval.
 */
export function forecast(model: FittedModel, horizonSteps: number, level: number = DEFAULT_FORECAST_LEVEL): ForecastStep[] {
  if (!Number.isSafeInteger(horizonSteps) || horizonSteps < 0) throw new RangeError(`horizonSteps must be an integer ≥ 0, got ${String(horizonSteps)}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be within (0, 1), got ${String(level)}`);
  const z = normalQuantile((1 + level) / 2);
  const { alpha, beta, gamma, phi } = model.params;
  const shape = { m: model.seasonLength, k: model.seasonBucketSteps };
  const period = shape.m * shape.k;
  const gain = period > 0 ? gamma / shape.k : 0;
  const sigma2 = Math.max(0, model.residualVariance);
  const slotOfStep = (h: number): number => (period > 0 ? slotAt((model.phase + h - 1) % period, shape) : 0);
  // Only slots k > 1 wide make the seasonal term depend on where the horizon starts, not just on the lag.
  const positional = gain > 0 && shape.k > 1;

  const steps: ForecastStep[] = [];
  const phiSums: number[] = [0];
  let phiSum = 0;
  let phiPower = 1;
  let lagSum = 0;
  for (let h = 1; h <= horizonSteps; h++) {
    phiPower *= phi;
    phiSum += phiPower;
    phiSums.push(phiSum);
    const slot = slotOfStep(h);
    const seasonal = period > 0 ? (model.season[slot] ?? 0) : 0;
    const mean = model.level + phiSum * model.trend + seasonal;

    let multiplier: number;
    if (positional) {
      multiplier = 1;
      for (let i = 1; i < h; i++) {
        const c = alpha + beta * (phiSums[h - i] ?? 0) + (slotOfStep(i) === slot ? gain : 0);
        multiplier += c * c;
      }
    } else {
      if (h > 1) {
        const j = h - 1;
        const c = alpha + beta * (phiSums[j] ?? 0) + (period > 0 && j % period === 0 ? gain : 0);
        lagSum += c * c;
      }
      multiplier = 1 + lagSum;
    }
    steps.push(interval(h, mean, z * Math.sqrt(sigma2 * multiplier), model));
  }
  return steps;
}

function interval(step: number, rawMean: number, halfWidth: number, model: FittedModel): ForecastStep {
  let mean = rawMean;
  let half = halfWidth;
  if (!Number.isFinite(mean)) mean = Number.isFinite(model.level) ? model.level : 0;
  if (!Number.isFinite(half) || !Number.isFinite(mean - half) || !Number.isFinite(mean + half)) half = 0;
  if (!model.nonNegative) return { step, mean, lower: mean - half, upper: mean + half };
  return { step, mean: Math.max(0, mean), lower: Math.max(0, mean - half), upper: Math.max(0, mean + half) };
}
