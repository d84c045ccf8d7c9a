import { slotAt } from './smoothing';
import type { FittedModel } from './types';

/**
 * Level-shift and trend-change detection for the smoothing models: a two-sided CUSUM (Page 1954) on the
 * one-step residuals standardised by the model's own residual σ, and a restart of level and trend from
 * the points since the change when it fires.
 *
 * Why: exponential smoothing fitted on a long calm stretch has small α and β (that is what minimises the
 * one-step error there), so when the load leaves that regime (a steep rise from a flat load, or the end of
 * a rise) the level and trend follow it only geometrically slowly, and the forecast lags by the very
 * start-up time it was meant to cover. A residual that is a little high once is noise; residuals that are
 * high together are a change, and the CUSUM is the classic sequential test that tells the two apart with
 * a known false-alarm rate. Both directions: after a rise ends the trend keeps climbing, and that is cost.
 *
 *   z = (y − ŷ) / σ,   S⁺ ← max(0, S⁺ + z − k),   S⁻ ← max(0, S⁻ − z − k),   alarm when S > h
 *
 * The change point is the step after the side's statistic last stood at 0 (the maximum-likelihood estimate
 * of a CUSUM's change point). On an alarm the level restarts at a least-squares line through the points
 * since then, at the last point: the forecast starts from where the load is now, not from where smoothing
 * has got to. The trend stays the model's (`level`, the default) or takes the line's slope (`line`): over
 * seeds 1–4 `line` followed the steep ramp better (114 → 25–28 violation-seconds instead of 33) but a slope
 * through a few noisy points, extrapolated over a 16-step horizon, cost NASA and World Cup +19 to +27 %
 * container-seconds (docs/elasticity-report.md, "Tuning").
 *
 * After an alarm the test rests for `refractory` steps: σ comes from the calm before the change (load
 * noise grows with the load), so without a rest the restarted level is judged on too few points and the
 * detector chatters up and down along a ramp.
 */

export interface ChangeDetectorSettings {
  /** k: half the shift, in σ, the test is tuned to find fastest. @default 0.5 (a 1 σ shift) */
  slack: number;
  /** h: the alarm threshold, in σ. @default 5 (about one false alarm per 465 steps per side on Gaussian noise) */
  threshold: number;
  /** At least this many points go into the restarted line, even when the change point is more recent. @default 3 */
  minPoints: number;
  /** At most this many: an old change point must not turn a slow drift into a steep restart. @default 30 */
  maxPoints: number;
  /** What restarts: the level only (`level`), or level and trend (`line`). @default 'level' */
  trend: RestartRule;
  /**
   * Steps after an alarm before the test runs again. @default 10: about the test's own mean delay for the
   * 1 σ shift it is tuned to (ARL₁ ≈ 10.4 at k = 0.5, h = 5), so a restarted level is judged on as much
   * evidence as the change that caused it.
   */
  refractory: number;
}

export type RestartRule = 'level' | 'line';

export const CHANGE_DETECTOR_DEFAULTS: Readonly<ChangeDetectorSettings> = Object.freeze({ slack: 0.5, threshold: 5, minPoints: 3, maxPoints: 30, trend: 'level', refractory: 10 });

export interface ChangeDetectorState {
  /** S⁺ and S⁻, in σ. */
  up: number;
  down: number;
  /** Step at which each side's statistic last left 0 (the change-point estimate); null while it is 0. */
  upSince: number | null;
  downSince: number | null;
  /** No test before this step (refractory after an alarm). */
  quietUntil?: number;
  /** Alarms so far, per side. */
  alarmsUp: number;
  alarmsDown: number;
}

export function createChangeDetector(): ChangeDetectorState {
  return { up: 0, down: 0, upSince: null, downSince: null, alarmsUp: 0, alarmsDown: 0 };
}

export interface ChangeAlarm {
  direction: 'up' | 'down';
  /** First step of the new regime (the CUSUM's estimate). */
  fromStep: number;
}

/**
 * One standardised residual at `step` (null: a gap, or no σ yet; the statistics stand still). On an alarm
 * both sides restart from 0: the model is about to be restarted on the new regime.
 */
export function detectChange(state: ChangeDetectorState, z: number | null, step: number, settings: ChangeDetectorSettings = CHANGE_DETECTOR_DEFAULTS): { state: ChangeDetectorState; alarm: ChangeAlarm | null } {
  if (z === null || !Number.isFinite(z) || step < (state.quietUntil ?? 0)) return { state, alarm: null };
  const up = Math.max(0, state.up + z - settings.slack);
  const down = Math.max(0, state.down - z - settings.slack);
  const upSince = up === 0 ? null : (state.upSince ?? step);
  const downSince = down === 0 ? null : (state.downSince ?? step);
  const alarm: ChangeAlarm | null = up > settings.threshold ? { direction: 'up', fromStep: upSince ?? step } : down > settings.threshold ? { direction: 'down', fromStep: downSince ?? step } : null;
  if (alarm === null) return { state: { ...state, up, down, upSince, downSince }, alarm: null };
  return {
    state: { up: 0, down: 0, upSince: null, downSince: null, quietUntil: step + 1 + settings.refractory, alarmsUp: state.alarmsUp + (alarm.direction === 'up' ? 1 : 0), alarmsDown: state.alarmsDown + (alarm.direction === 'down' ? 1 : 0) },
    alarm,
  };
}

/** The model's one-step forecast before `value` is observed: what the residual is measured from. */
export function oneStepMean(model: FittedModel): number {
  const seasonal = model.seasonLength > 0;
  const s = seasonal ? (model.season[slotAt(model.phase, { m: model.seasonLength, k: model.seasonBucketSteps })] ?? 0) : 0;
  return model.level + model.params.phi * model.trend + s;
}

/**
 * (y − ŷ) / σ, or null for a gap or a model with no residuals yet. σ has a floor of a millionth of the
 * forecast (at least 1e-6): after a perfectly constant stretch (σ = 0) a real change is then a huge z and
 * fires at once, while rounding noise stays far below any threshold.
 */
export function standardisedResidual(model: FittedModel, value: number | null): number | null {
  if (value === null || !Number.isFinite(value) || model.residualCount === 0) return null;
  const mean = oneStepMean(model);
  const sigma = Math.max(Math.sqrt(Math.max(0, model.residualVariance)), 1e-6 * Math.max(1, Math.abs(mean)));
  const z = (value - mean) / sigma;
  return Number.isFinite(z) ? z : null;
}

/**
 * The model restarted from `points` (the last ones observed, oldest first, ending with the step the model
 * has just been updated with; null for gaps): a least-squares line through the de-seasonalised points, the
 * level its value at the last point; with `line` the trend its slope too. Smoothing parameters, season and
 * residual variance stay. With fewer than two known points the model is returned unchanged.
 */
export function restartLevelTrend(model: FittedModel, points: ReadonlyArray<number | null | undefined>, rule: RestartRule = CHANGE_DETECTOR_DEFAULTS.trend): FittedModel {
  const n = points.length;
  const period = model.seasonLength * model.seasonBucketSteps;
  const shape = { m: model.seasonLength, k: model.seasonBucketSteps };
  let count = 0;
  let sumT = 0;
  let sumY = 0;
  let sumTT = 0;
  let sumTY = 0;
  for (let i = 0; i < n; i++) {
    const y = points[i];
    if (y === null || y === undefined || !Number.isFinite(y)) continue;
    // Point i was observed (n − i) steps before the model's next phase.
    const s = period > 0 ? (model.season[slotAt((((model.phase - (n - i)) % period) + period) % period, shape)] ?? 0) : 0;
    const v = y - s;
    count += 1;
    sumT += i;
    sumY += v;
    sumTT += i * i;
    sumTY += i * v;
  }
  if (count < 2) return model;
  const sxx = sumTT - (sumT * sumT) / count;
  const slope = sxx > 0 ? (sumTY - (sumT * sumY) / count) / sxx : 0;
  const level = (sumY - slope * sumT) / count + slope * (n - 1);
  const trend = rule === 'line' ? slope : model.trend;
  if (!Number.isFinite(level) || !Number.isFinite(trend)) return model;
  return { ...model, level, trend };
}
