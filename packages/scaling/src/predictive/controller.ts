import { accuracySummary, createAccuracyTracker, recordActual, recordForecast, type AccuracyState } from '../forecast/accuracy';
import { CHANGE_DETECTOR_DEFAULTS, createChangeDetector, detectChange, restartLevelTrend, standardisedResidual, type ChangeDetectorSettings, type ChangeDetectorState } from '../forecast/change';
import { chooseModel, type ForecastHistory } from '../forecast/fit';
import { forecast, updateModel } from '../forecast/predict';
import type { ChooseModelOptions, FittedModel, ForecastStep, SmoothingParams } from '../forecast/types';
import type { Recommendation } from '../recommender/types';
import { capacityEstimate, createCapacityLearner, learnCapacity, type CapacityLearnerOptions, type CapacityLearnerState, type CapacitySample } from './capacity';
import { combineWithReactive } from './combine';
import { predictiveRecommendation } from './policy';
import { createStartupTimeTracker, predictionHorizonSteps, recordStartup, startupEstimate, type StartupTimeState } from './startup';
import type { CombinedRecommendation, ConfidenceHeadroom, Estimate, PredictiveMode, PredictiveRecommendation } from './types';

/**
 * The predictive controller of design.md §5, the one loop both the VIM (`ServiceForecast`) and the
 * simulator (`createPredictiveDecider`) run, so what the simulator reports is what the VIM does. Pure:
 * state in, state (plus recommendation and explanation) out; the caller keeps the history and the clock.
 *
 * Per control period:
 *
 *   observePoint(value)        accuracy pairs closed, model updated online, refitted when due
 *   observeContainers(sample)  per-container rps and CPU, averaged over `capacitySamplePeriods` periods
 *   observeStartup(ms)         a measured start-to-ready time
 *   decidePredictive(reactive) horizon   = predictionHorizonSteps(p90 start-up, control period)
 *                              predictive = ceil(upper bound at horizon ÷ learned capacity)
 *                              final      = combineWithReactive(reactive, predictive, mode)
 *
 * Model life cycle: no model ──(minFitObservations)──▶ chooseModel(window) ──▶ updateModel each step,
 * refitted every `refitEverySteps` (at most once a season slot once a season is fitted). The refit window
 * is bounded, so a refit costs the same on day 14 as on day 2: the last `holtWindowSteps` steps until two
 * seasons are in the history (Holt–Winters needs them), then the last `seasonWindowSeasons` seasons, where
 * the AIC picks Holt or Holt–Winters.
 */

/** A season of `slots` slots of `slotSteps` steps each (24 × 1800 two-second steps is a day). */
export interface PredictiveSeason {
  slots: number;
  slotSteps: number;
}

export interface PredictiveControllerSettings {
  mode: PredictiveMode;
  /** Prediction-interval level whose upper bound is provisioned for. */
  level: number;
  /** Null: Holt only. */
  season: PredictiveSeason | null;
  /** Non-gap observations before the first fit; until then the reactive count stands. */
  minFitObservations: number;
  /** Steps between refits; in between the model is only updated. */
  refitEverySteps: number;
  /** Steps a Holt refit looks back. */
  holtWindowSteps: number;
  /** Seasons a seasonal refit looks back. */
  seasonWindowSeasons: number;
  /** Fit a damped trend. */
  damped: boolean;
  /** Smoothing parameters to use instead of fitting them; undefined: fitted. */
  params: Partial<SmoothingParams> | undefined;
  /** One-step residuals the interval's variance averages over. */
  varianceWindow: number;
  /** When an interval counts as wide, and how much to add then. */
  confidenceHeadroom: Partial<ConfidenceHeadroom>;
  /** Control periods whose container samples are averaged into one capacity sample. */
  capacitySamplePeriods: number;
  /**
   * Calibrate the interval on the forecasts' own record (`calibrationFactor`): the model's closed-form
   * width at the horizon assumes its own error structure, which real load does not follow. `widen`: only
   * when the record says the interval is too narrow; `full`: narrower too; `off`: the model's interval.
   * @default 'off': across four seeds `widen` removed the ramp's violations but cost World Cup +1.6 to
   * +3.3 points of container-seconds, past the goal's 10 % (docs/elasticity-report.md, "Tuning").
   */
  calibrate: 'off' | 'widen' | 'full';
  /**
   * How long a forecast-raised count is held. `scale-down-window`: recorded as the reactive rule's own
   * recommendation, so its 300 s scale-down window holds it like an observed rise. `horizon`: held for one
   * horizon (start-up + a period, what the forecast looked ahead over), then the forecast of the moment
   * and the reactive rule decide again: a forecast is not an observation. @default 'horizon': over four
   * seeds, the same violations removed for 1–2 points less container-seconds on NASA and World Cup.
   */
  forecastHold: 'scale-down-window' | 'horizon';
  /**
   * Regime changes. `cusum`: a two-sided CUSUM on the standardised one-step residuals
   * (`forecast/change.ts`); when it fires, the level restarts at a line through the points since the
   * change, so a rise out of a flat load (or the end of a rise) is followed at once instead of at the pace
   * of smoothing parameters fitted on the calm before it. `off`: the model only smooths.
   * @default 'cusum': over four seeds the ramp's violations 38 → 33 s, the goal met on all six sums.
   */
  changeDetection: 'off' | 'cusum';
  /** The detector's k, h, restart rule and rest (`CHANGE_DETECTOR_DEFAULTS`, textbook k = 0.5, h = 5). */
  changeDetector: ChangeDetectorSettings;
}

/**
 * One set of defaults for the VIM and the simulator, each chosen in the elasticity report
 * (docs/elasticity-report.md, "Tuning"), judged over four seeds:
 * - forecast raises held for one horizon, not the reactive 300 s window; the interval as the model gives it.
 * - level 0.8: every forecast-raised container is held for the whole scale-down window (300 s), so the
 *   upper bound's noise sets the cost; 0.95 cost +20–30 % container-seconds for the same violations removed.
 * - headroom above 1.5 relative width: at tens of requests/s, 2 s counting noise alone makes a 16-step
 *   interval wider than the library's 0.5, so headroom was always on and meant nothing.
 * - capacity samples over 15 periods: per-period samples at low load learned ~10 % low.
 * - refit every 150 steps (5 min at 2 s) over the last 1800 (1 h): a refit costs ~10 ms, not a period.
 */
export const PREDICTIVE_CONTROLLER_DEFAULTS: Readonly<PredictiveControllerSettings> = Object.freeze({
  mode: 'on',
  level: 0.8,
  season: null,
  minFitObservations: 30,
  refitEverySteps: 150,
  holtWindowSteps: 1800,
  seasonWindowSeasons: 3,
  damped: false,
  params: undefined,
  varianceWindow: 200,
  confidenceHeadroom: Object.freeze({ wideRelativeWidth: 1.5 }),
  capacitySamplePeriods: 15,
  calibrate: 'off',
  forecastHold: 'horizon',
  changeDetection: 'cusum',
  changeDetector: CHANGE_DETECTOR_DEFAULTS,
});

/** Forecast–actual pairs at the horizon needed before the interval is calibrated on them. */
export const CALIBRATION_MIN_PAIRS = 100;
/** The calibration factor stays within [1/this, this]: a regime change must not collapse or explode the interval. */
export const CALIBRATION_MAX_FACTOR = 2;

/** Run-wide accuracy at the horizon step (the tracker's own summary covers its last 500 pairs only). */
export interface ForecastTotals {
  pairs: number;
  covered: number;
  absPctSum: number;
  pctPairs: number;
  /** Periods in which the forecast raised the count (or would have, in forecast-only). */
  raised: number;
}

export interface PredictiveControllerState {
  model: FittedModel | null;
  /** Steps observed, gaps included: the index the next point will have. */
  steps: number;
  /** Non-gap points observed. */
  observations: number;
  sinceRefit: number;
  refits: number;
  capacity: CapacityLearnerState;
  /** Per-period container means not yet fed to the learner. */
  capacityPending: { rps: number; cpuPct: number; periods: number };
  startup: StartupTimeState;
  accuracy: AccuracyState;
  totals: ForecastTotals;
  /** Forecast counts of the last horizon, newest last (forecastHold `horizon`); absent in older states. */
  recentCounts?: Array<{ at: number; replicas: number }>;
  /** The change detector (changeDetection `cusum`); absent in older states and until the first fit. */
  change?: ChangeDetectorState;
}

export interface PredictiveControllerInit {
  /** The CPU target (% of the limit) capacity is quoted at. */
  targetUtilisationPct: number;
  /** Requests/s per container at that target until samples teach it. */
  defaultPerContainerRps: number;
  /** Start-to-ready time assumed until five are measured. @default the start-up tracker's (10 s) */
  defaultStartupMs?: number;
  capacityLearner?: Partial<Pick<CapacityLearnerOptions, 'minUtilisationPct' | 'minSamples' | 'smoothing'>>;
}

export function createPredictiveController(init: PredictiveControllerInit): PredictiveControllerState {
  return {
    model: null,
    steps: 0,
    observations: 0,
    sinceRefit: 0,
    refits: 0,
    capacity: createCapacityLearner({ ...init.capacityLearner, targetUtilisationPct: init.targetUtilisationPct, defaultPerContainerRps: init.defaultPerContainerRps }),
    capacityPending: { rps: 0, cpuPct: 0, periods: 0 },
    startup: createStartupTimeTracker(init.defaultStartupMs === undefined ? {} : { defaultMs: init.defaultStartupMs }),
    accuracy: createAccuracyTracker(),
    totals: { pairs: 0, covered: 0, absPctSum: 0, pctPairs: 0, raised: 0 },
  };
}

/** Settings over the defaults, field by field for the nested ones; a bad value is a RangeError naming it. */
export function resolvePredictiveSettings(given: Partial<PredictiveControllerSettings> = {}): PredictiveControllerSettings {
  const s: PredictiveControllerSettings = {
    ...PREDICTIVE_CONTROLLER_DEFAULTS,
    ...given,
    confidenceHeadroom: { ...PREDICTIVE_CONTROLLER_DEFAULTS.confidenceHeadroom, ...given.confidenceHeadroom },
    changeDetector: { ...PREDICTIVE_CONTROLLER_DEFAULTS.changeDetector, ...given.changeDetector },
  };
  const problems: string[] = [];
  type WholeSetting = 'minFitObservations' | 'refitEverySteps' | 'holtWindowSteps' | 'seasonWindowSeasons' | 'varianceWindow' | 'capacitySamplePeriods';
  const whole = (name: WholeSetting, min: number): void => {
    const v = s[name];
    if (!Number.isSafeInteger(v) || v < min) problems.push(`${name} must be a whole number ≥ ${min}, got ${String(v)}`);
  };
  if (!['on', 'forecast-only', 'off'].includes(s.mode)) problems.push(`mode must be on, forecast-only or off, got ${String(s.mode)}`);
  if (!(s.level > 0 && s.level < 1)) problems.push(`level must be within (0, 1), got ${String(s.level)}`);
  if (!['scale-down-window', 'horizon'].includes(s.forecastHold)) problems.push(`forecastHold must be scale-down-window or horizon, got ${String(s.forecastHold)}`);
  if (!['off', 'cusum'].includes(s.changeDetection)) problems.push(`changeDetection must be off or cusum, got ${String(s.changeDetection)}`);
  if (!['off', 'widen', 'full'].includes(s.calibrate)) problems.push(`calibrate must be off, widen or full, got ${String(s.calibrate)}`);
  if (s.season !== null && !(Number.isSafeInteger(s.season.slots) && s.season.slots >= 2 && Number.isSafeInteger(s.season.slotSteps) && s.season.slotSteps >= 1)) {
    problems.push(`season must have ≥ 2 whole slots of ≥ 1 whole steps, got ${JSON.stringify(s.season)}`);
  }
  const cd = s.changeDetector;
  if (!(cd.slack >= 0 && Number.isFinite(cd.slack))) problems.push(`changeDetector.slack must be a number ≥ 0, got ${String(cd.slack)}`);
  if (!(cd.threshold > 0 && Number.isFinite(cd.threshold))) problems.push(`changeDetector.threshold must be a number > 0, got ${String(cd.threshold)}`);
  if (!(Number.isSafeInteger(cd.minPoints) && cd.minPoints >= 2 && Number.isSafeInteger(cd.maxPoints) && cd.maxPoints >= cd.minPoints)) {
    problems.push(`changeDetector needs whole minPoints ≥ 2 and maxPoints ≥ minPoints, got ${String(cd.minPoints)} and ${String(cd.maxPoints)}`);
  }
  if (!['level', 'line'].includes(cd.trend)) problems.push(`changeDetector.trend must be level or line, got ${String(cd.trend)}`);
  if (!(Number.isSafeInteger(cd.refractory) && cd.refractory >= 0)) problems.push(`changeDetector.refractory must be a whole number ≥ 0, got ${String(cd.refractory)}`);
  whole('minFitObservations', 1);
  whole('refitEverySteps', 1);
  whole('holtWindowSteps', 10);
  whole('seasonWindowSeasons', 2);
  whole('varianceWindow', 1);
  whole('capacitySamplePeriods', 1);
  if (problems.length > 0) throw new RangeError(`predictive settings: ${problems.join('; ')}`);
  return s;
}

/**
 * The last `span` points of the history, oldest first, ending with the point just observed. The caller
 * keeps the history (the VIM persists it; the simulator has it already), so the state stays small.
 */
export type RecentHistory = (span: number) => ForecastHistory;

/**
 * One step's observation (null: unknown, a gap that still takes its step): closes the accuracy pairs due
 * now, updates the model, and refits it when due from `recent`, which must already end with `value`.
 */
export function observePoint(state: PredictiveControllerState, settings: PredictiveControllerSettings, value: number | null, recent: RecentHistory): PredictiveControllerState {
  const step = state.steps;
  const accuracy = recordActual(state.accuracy, step, value);
  const known = value !== null && Number.isFinite(value);
  let s: PredictiveControllerState = {
    ...state,
    accuracy,
    totals: addPairs(state.totals, accuracy, step),
    model: state.model === null ? null : updateModel(state.model, value),
    steps: step + 1,
    observations: state.observations + (known ? 1 : 0),
    sinceRefit: state.sinceRefit + 1,
  };
  const updated = s.model;
  if (settings.changeDetection === 'cusum' && state.model !== null && updated !== null) {
    // Measured against the forecast made before this point was seen, in the model's own σ.
    const d = settings.changeDetector;
    const detected = detectChange(state.change ?? createChangeDetector(), standardisedResidual(state.model, value), step, d);
    s = { ...s, change: detected.state };
    if (detected.alarm !== null) {
      const span = Math.min(d.maxPoints, Math.max(d.minPoints, step - detected.alarm.fromStep + 1));
      s = { ...s, model: restartLevelTrend(updated, recent(span), d.trend) };
    }
  }
  const season = settings.season;
  const seasonSteps = season === null ? 0 : season.slots * season.slotSteps;
  const seasonal = season !== null && s.steps >= 2 * seasonSteps;
  const every = seasonal ? Math.max(settings.refitEverySteps, season.slotSteps) : settings.refitEverySteps;
  const due = s.model === null ? s.observations >= settings.minFitObservations : s.sinceRefit >= every;
  if (due) s = refit(s, settings, recent);
  return s;
}

/** Fits the model now (a settings change, e.g. a new season), if there is enough history. */
export function refit(state: PredictiveControllerState, settings: PredictiveControllerSettings, recent: RecentHistory): PredictiveControllerState {
  if (state.observations < Math.min(settings.minFitObservations, 10)) return { ...state, sinceRefit: 0 };
  const season = settings.season;
  const seasonSteps = season === null ? 0 : season.slots * season.slotSteps;
  const seasonal = season !== null && state.steps >= 2 * seasonSteps;
  const window = recent(seasonal ? settings.seasonWindowSeasons * seasonSteps : settings.holtWindowSteps);
  const options: ChooseModelOptions = { damped: settings.damped, varianceWindow: settings.varianceWindow, ...(settings.params === undefined ? {} : { params: settings.params }) };
  const model = seasonal ? chooseModel(window, season.slots, { ...options, seasonBucketSteps: season.slotSteps }) : chooseModel(window, undefined, options);
  return { ...state, model, sinceRefit: 0, refits: state.refits + 1 };
}

/**
 * One period's mean rps and CPU over ready containers (null: none ready), averaged over
 * `capacitySamplePeriods` periods before it becomes one learner sample. The learner skips samples under
 * 20 % CPU, and a 1 s CPU sample is noisy at low load: the samples it keeps are those whose CPU happened to
 * read high, so their rps/CPU reads low. Averaging first shrinks that noise and with it the bias.
 */
export function observeContainers(state: PredictiveControllerState, settings: PredictiveControllerSettings, sample: { rps: number; cpuPct: number } | null): PredictiveControllerState {
  if (sample === null) return state;
  const p = state.capacityPending;
  const pending = { rps: p.rps + sample.rps, cpuPct: p.cpuPct + sample.cpuPct, periods: p.periods + 1 };
  if (pending.periods < settings.capacitySamplePeriods) return { ...state, capacityPending: pending };
  const averaged: CapacitySample = { rpsPerContainer: pending.rps / pending.periods, cpuPct: pending.cpuPct / pending.periods };
  return { ...state, capacityPending: { rps: 0, cpuPct: 0, periods: 0 }, capacity: learnCapacity(state.capacity, averaged) };
}

export function observeStartup(state: PredictiveControllerState, durationMs: number): PredictiveControllerState {
  return { ...state, startup: recordStartup(state.startup, durationMs) };
}

/** New capacity defaults (a policy change); what was learned stays. */
export function retargetCapacity(state: PredictiveControllerState, targetUtilisationPct: number, defaultPerContainerRps: number): PredictiveControllerState {
  return { ...state, capacity: { ...state.capacity, targetUtilisationPct, defaultPerContainerRps } };
}

export interface PredictiveTiming {
  controlPeriodMs: number;
  /** Time between history points. @default controlPeriodMs */
  stepMs?: number;
  /** Time already past the last point (the simulator's decision comes at the end of its period). @default 0 */
  sinceLastPointMs?: number;
}

export interface PredictiveDecision {
  state: PredictiveControllerState;
  /** What to ask for: `combined.desired`; pass `combined.state` to the next `recommend`. */
  combined: CombinedRecommendation;
  /** The forecast's count as combined: with forecastHold `horizon`, the highest of the last horizon. */
  predictive: PredictiveRecommendation;
  horizonSteps: number;
  /** Steps 1…horizon of the forecast, calibrated (empty without a model). */
  forecast: ForecastStep[];
  perContainerRps: number;
  /** The factor the model's interval half-width was scaled by (1: none). */
  calibration: number;
}

/** The horizon in steps: the p90 start-up plus one control period (and what is already past the last point). */
export function controllerHorizonSteps(state: PredictiveControllerState, timing: PredictiveTiming): number {
  return predictionHorizonSteps({
    startupP90Ms: startupEstimate(state.startup).value + (timing.sinceLastPointMs ?? 0),
    controlPeriodMs: timing.controlPeriodMs,
    stepMs: timing.stepMs ?? timing.controlPeriodMs,
  });
}

/**
 * The period's count: the forecast's upper bound over the horizon in containers, combined with the
 * reactive recommendation per the mode (never below it, never in on its own). The forecast at the horizon
 * is recorded for the accuracy figures, against the last observed step.
 */
export function decidePredictive(state: PredictiveControllerState, settings: PredictiveControllerSettings, reactive: Recommendation, timing: PredictiveTiming): PredictiveDecision {
  const horizonSteps = controllerHorizonSteps(state, timing);
  const raw = state.model === null ? [] : forecast(state.model, horizonSteps, settings.level);
  const measured = settings.calibrate === 'off' ? 1 : (calibrationFactor(state.accuracy, settings.level) ?? 1);
  const factor = settings.calibrate === 'widen' ? Math.max(1, measured) : measured;
  const steps = factor === 1 ? raw : raw.map((f) => ({ ...f, upper: f.mean + factor * (f.upper - f.mean), lower: f.lower >= 0 ? Math.max(0, f.mean - factor * (f.mean - f.lower)) : f.mean - factor * (f.mean - f.lower) }));
  // The raw forecast goes on record: calibration is measured against the model's own interval.
  const atHorizon = raw[horizonSteps - 1];
  let s = state;
  if (atHorizon !== undefined && state.steps > 0) s = { ...s, accuracy: recordForecast(s.accuracy, state.steps - 1, atHorizon) };
  const e = reactive.explanation;
  const perContainerRps = capacityEstimate(s.capacity).value;
  let predictive = predictiveRecommendation({
    forecast: steps,
    horizonSteps,
    perContainerRps,
    currentReplicas: e.currentReplicas,
    minReplicas: e.minReplicas,
    maxReplicas: e.maxReplicas,
    confidenceHeadroom: settings.confidenceHeadroom,
  });
  let combined: CombinedRecommendation;
  if (settings.forecastHold === 'horizon' && predictive.hasOpinion) {
    const at = e.at;
    const holdMs = horizonSteps * (timing.stepMs ?? timing.controlPeriodMs);
    const recentCounts = [...(s.recentCounts ?? []).filter((c) => at - c.at < holdMs), { at, replicas: predictive.replicas }];
    s = { ...s, recentCounts };
    const held = Math.max(...recentCounts.map((c) => c.replicas));
    predictive = { ...predictive, replicas: held };
    const out = combineWithReactive(reactive, predictive, settings.mode);
    // The raise counts for the rate limits but is not the reactive rule's recommendation: its window must not hold it.
    combined = out.reason === 'forecast-raised' ? { ...out, state: { ...out.state, recommendations: reactive.state.recommendations } } : out;
  } else {
    combined = combineWithReactive(reactive, predictive, settings.mode);
  }
  const raised = combined.wouldBe > combined.reactive && (combined.reason === 'forecast-raised' || combined.reason === 'forecast-only');
  if (raised) s = { ...s, totals: { ...s.totals, raised: s.totals.raised + 1 } };
  return { state: s, combined, predictive, horizonSteps, forecast: steps, perContainerRps, calibration: factor };
}

/**
 * How much the model's interval half-width must be scaled for its upper bound to be the (1 + level) / 2
 * quantile of what actually came, measured on the recorded forecasts at the horizon (the tracker's last
 * 500): the quantile of (actual − mean) / (upper − mean). 1 is a calibrated model; above 1 its interval
 * was too narrow (load moves faster than its errors say), below 1 too wide (Holt's interval grows with
 * the horizon as if every error persisted, while much of the noise of arrivals does not). Null until
 * CALIBRATION_MIN_PAIRS pairs are in; clamped to [1/CALIBRATION_MAX_FACTOR, CALIBRATION_MAX_FACTOR].
 */
export function calibrationFactor(accuracy: AccuracyState, level: number): number | null {
  const ratios: number[] = [];
  for (const p of accuracy.pairs) if (p.upper > p.mean) ratios.push((p.actual - p.mean) / (p.upper - p.mean));
  if (ratios.length < CALIBRATION_MIN_PAIRS) return null;
  ratios.sort((a, b) => a - b);
  const q = ratios[Math.min(ratios.length - 1, Math.ceil(((1 + level) / 2) * ratios.length) - 1)]!;
  return Math.min(CALIBRATION_MAX_FACTOR, Math.max(1 / CALIBRATION_MAX_FACTOR, q));
}

/** What the controller knows, for a report or an API: model, learned values, accuracy. */
export interface PredictiveControllerSummary {
  model: FittedModel['kind'] | null;
  seasonSteps: number | null;
  params: SmoothingParams | null;
  refits: number;
  capacity: Estimate;
  startupP90: Estimate;
  /** Forecasts at the horizon over the whole run. */
  forecastPairs: number;
  forecastMape: number | null;
  forecastCoverage: number | null;
  /** Over the tracker's last window. */
  recentCoverage: number | null;
  recentMape: number | null;
  raisedPeriods: number;
  /** Regime changes the detector found (changeDetection `cusum`), upward and downward. */
  changeAlarms: { up: number; down: number };
  /** The interval's calibration factor now; null before enough forecasts are on record. */
  calibration: number | null;
}

export function summarisePredictive(state: PredictiveControllerState, level: number = PREDICTIVE_CONTROLLER_DEFAULTS.level): PredictiveControllerSummary {
  const t = state.totals;
  const recent = accuracySummary(state.accuracy);
  const m = state.model;
  return {
    model: m === null ? null : m.kind,
    seasonSteps: m === null || m.seasonLength === 0 ? null : m.seasonLength * m.seasonBucketSteps,
    params: m === null ? null : { ...m.params },
    refits: state.refits,
    capacity: capacityEstimate(state.capacity),
    startupP90: startupEstimate(state.startup),
    forecastPairs: t.pairs,
    forecastMape: t.pctPairs > 0 ? t.absPctSum / t.pctPairs : null,
    forecastCoverage: t.pairs > 0 ? t.covered / t.pairs : null,
    recentCoverage: recent.coverage,
    recentMape: recent.mape,
    raisedPeriods: t.raised,
    changeAlarms: { up: state.change?.alarmsUp ?? 0, down: state.change?.alarmsDown ?? 0 },
    calibration: calibrationFactor(state.accuracy, level),
  };
}

/** Run-wide counts: the pairs `recordActual` just made for `step` are the newest ones with that due step. */
function addPairs(totals: ForecastTotals, accuracy: AccuracyState, step: number): ForecastTotals {
  let t = totals;
  for (let i = accuracy.pairs.length - 1; i >= 0; i--) {
    const p = accuracy.pairs[i]!;
    if (p.dueStep !== step) break;
    const pct = Math.abs(p.actual) >= accuracy.minActualForMape && p.actual !== 0;
    t = {
      ...t,
      pairs: t.pairs + 1,
      covered: t.covered + (p.actual >= p.lower && p.actual <= p.upper ? 1 : 0),
      absPctSum: t.absPctSum + (pct ? Math.abs(p.actual - p.mean) / Math.abs(p.actual) : 0),
      pctPairs: t.pctPairs + (pct ? 1 : 0),
    };
  }
  return t;
}
