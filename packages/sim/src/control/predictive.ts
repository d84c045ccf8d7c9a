import {
  accuracySummary,
  capacityEstimate,
  chooseModel,
  combineWithReactive,
  createAccuracyTracker,
  createCapacityLearner,
  createStartupTimeTracker,
  forecast,
  learnCapacity,
  predictionHorizonSteps,
  predictiveRecommendation,
  recommend,
  recordActual,
  recordForecast,
  recordStartup,
  startupEstimate,
  updateModel,
  type AccuracyState,
  type CapacityLearnerOptions,
  type CapacityLearnerState,
  type ConfidenceHeadroom,
  type FitOptions,
  type FittedModel,
  type PredictiveMode,
  type RecommenderState,
  type ScalingPolicy,
  type ScalingSnapshot,
  type SmoothingParams,
  type StartupTimeState,
} from '@acs/scaling';
import type { Decider, DeciderFact, DecisionInput, LoadObservation } from './decider';

/**
 * The predictive policy of design.md §5 as the VIM runs it, every step an @acs/scaling function: per
 * control period the offered rate goes into the forecaster (`updateModel`), containers' rps and CPU into
 * the capacity learner, measured start-ups into the start-up tracker; then
 *
 *   horizon    = predictionHorizonSteps(p90 start-to-ready, control period)        in control periods
 *   reactive   = recommend(snapshot, policy, state)
 *   predictive = predictiveRecommendation(forecast(model, horizon, level), capacity)  ceil(upper ÷ capacity)
 *   final      = combineWithReactive(reactive, predictive, mode)                     max of the two, never in alone
 *
 * and `final.state` (not `reactive.state`) goes to the next `recommend`, so a forecast-raised count is held
 * by the scale-down window like a reactive scale-up. The forecaster's step is the control period (as in the
 * VIM) unless `stepPeriods` averages several into one observation.
 *
 * Model life cycle:
 *
 *   no model ──(minFitSteps observed)──▶ chooseModel(window) ──▶ updateModel each period
 *                                             ▲                         │
 *                                             └──(every refitEverySteps)┘
 *
 * The refit window is bounded so a refit costs the same on day 14 as on day 2: the last `holtWindowSteps`
 * steps until two whole seasons are in the history (Holt–Winters needs them before `chooseModel` will
 * consider it), then the last `seasonWindowSeasons` seasons, where the AIC picks Holt or Holt–Winters.
 */

/** How the predictive decider runs; every field has a default (`PREDICTIVE_DEFAULTS`). */
export interface PredictiveDeciderOptions {
  /** `on`: max(reactive, forecast). `forecast-only`: reactive, with the forecast's count in the notes. @default 'on' */
  mode: PredictiveMode;
  /**
   * Prediction-interval level whose upper bound is provisioned for. @default 0.8: every forecast-raised
   * container is then held for the whole scale-down window (300 s), so the upper bound's noise, not its
   * mean, sets the cost; on the report's traces 0.95 cost +20–30 % container-seconds for the same
   * violations removed (README, "Tuning").
   */
  level: number;
  /**
   * Length of the load's cycle in simulated seconds (a trace day is 86400 / timeCompress); undefined or 0:
   * no season, Holt only. Used only once two cycles are in the history, and only if the AIC prefers it.
   */
  seasonPeriodS: number | undefined;
  /** Slots per season; the nearest divisor of the season's steps is used. @default 24 (hourly for a day) */
  seasonSlots: number;
  /**
   * Control periods per forecaster step: each observation is the mean offered rate over this many periods.
   * @default 1
   */
  stepPeriods: number;
  /** Observations before the first fit; until then the reactive count stands. @default 30 (1 min at 2 s) */
  minFitSteps: number;
  /** Forecaster steps between refits; in between the model is only updated. @default 150 (5 min at 2 s, as the VIM) */
  refitEverySteps: number;
  /** Steps a Holt refit looks back. @default 1800 (1 h at 2 s, as the VIM) */
  holtWindowSteps: number;
  /** Seasons a seasonal refit looks back. @default 3 */
  seasonWindowSeasons: number;
  /** Fit a damped trend: a trend caught on a spike's edge fades instead of running on. @default false */
  damped: boolean;
  /** Smoothing parameters to use instead of fitting them (missing ones take the forecaster's defaults). */
  params: Partial<SmoothingParams> | undefined;
  /**
   * Steps of one-step residuals the interval's variance averages over (an EWMA after that many). @default 200
   */
  varianceWindow: number;
  /**
   * When an interval counts as wide and how much to add then, over @acs/scaling's defaults.
   * @default { wideRelativeWidth: 1.5 }: at tens of requests/s the 2 s counts alone make a 16-step
   * interval wider than half the mean (the library's 0.5), so headroom was always on and meant nothing;
   * 1.5 keeps it for intervals that really are wide (just after a jump), still up to +20 %.
   */
  confidenceHeadroom: Partial<ConfidenceHeadroom>;
  /**
   * Control periods whose container samples are averaged into one capacity sample. @default 15 (30 s):
   * per-period samples learned 13.3–13.9 instead of 15 requests/s (see `learnFromContainers`).
   */
  capacitySamplePeriods: number;
  /** Capacity learner settings over @acs/scaling's defaults (target and default capacity come from the policy and the model). */
  capacityLearner: Partial<Pick<CapacityLearnerOptions, 'minUtilisationPct' | 'minSamples' | 'smoothing'>>;
}

export const PREDICTIVE_DEFAULTS: Readonly<PredictiveDeciderOptions> = Object.freeze({
  mode: 'on',
  level: 0.8,
  seasonPeriodS: undefined,
  seasonSlots: 24,
  stepPeriods: 1,
  minFitSteps: 30,
  refitEverySteps: 150,
  holtWindowSteps: 1800,
  seasonWindowSeasons: 3,
  damped: false,
  params: undefined,
  varianceWindow: 200,
  confidenceHeadroom: Object.freeze({ wideRelativeWidth: 1.5 }),
  capacitySamplePeriods: 15,
  capacityLearner: {},
});

/** Everything the decider carries from one period to the next; plain data, as a decider's state must be. */
export interface PredictiveState {
  /** `final.state` of the last period; undefined before the first, as `recommend` expects. */
  recommender: RecommenderState | undefined;
  model: FittedModel | null;
  /** Forecaster steps already fed to the model (the engine passes the whole history each period). */
  seen: number;
  sinceRefit: number;
  refits: number;
  capacity: CapacityLearnerState;
  /** Per-period container means not yet fed to the learner. */
  capacityPending: { rps: number; cpu: number; periods: number };
  startup: StartupTimeState;
  accuracy: AccuracyState;
  /** Run-wide counts at the horizon step (the tracker's own summary covers its last 500 pairs only). */
  totals: { pairs: number; covered: number; absPctSum: number; pctPairs: number; raised: number; horizonSteps: number };
}

/** The season the decider fits, in control periods: m slots of k steps each; null when there is none. */
export interface SeasonShape {
  slots: number;
  slotSteps: number;
}

/**
 * A season of `periodS` simulated seconds as whole control periods split into about `preferredSlots`
 * slots. Null when the period is not a whole number of control periods (the slots would drift against the
 * load) or is too short to split.
 */
export function seasonShape(periodS: number | undefined, controlPeriodMs: number, preferredSlots: number): SeasonShape | null {
  if (periodS === undefined || !(periodS > 0)) return null;
  const exact = (periodS * 1000) / controlPeriodMs;
  const steps = Math.round(exact);
  if (Math.abs(exact - steps) > 1e-6 || steps < 4) return null;
  // The divisor of `steps` nearest the preferred count (the smaller on a tie), at least 2 slots of 2 steps.
  let best: number | null = null;
  for (let m = 2; m <= steps / 2; m++) {
    if (steps % m !== 0) continue;
    if (best === null || Math.abs(m - preferredSlots) < Math.abs(best - preferredSlots)) best = m;
  }
  return best === null ? null : { slots: best, slotSteps: steps / best };
}

/**
 * The predictive decider. `options` are merged over PREDICTIVE_DEFAULTS; a bad value is a RangeError
 * here, before any run.
 */
export function createPredictiveDecider(options: Partial<PredictiveDeciderOptions> = {}): Decider<PredictiveState> {
  const o: PredictiveDeciderOptions = {
    ...PREDICTIVE_DEFAULTS,
    ...options,
    // Nested settings merge field by field, so setting one keeps the tuned default of the other.
    confidenceHeadroom: { ...PREDICTIVE_DEFAULTS.confidenceHeadroom, ...options.confidenceHeadroom },
    capacityLearner: { ...PREDICTIVE_DEFAULTS.capacityLearner, ...options.capacityLearner },
  };
  checkOptions(o);
  const name = o.mode === 'on' ? 'predictive' : `predictive (${o.mode})`;
  return {
    name,
    decide: (input) => decide(input, o),
    describe: (state) => describe(state, o),
  };
}

function decide(input: DecisionInput<PredictiveState>, o: PredictiveDeciderOptions): ReturnType<Decider<PredictiveState>['decide']> {
  const { snapshot, policy, history, model: service } = input;
  const season = seasonShape(o.seasonPeriodS, o.stepPeriods * service.controlPeriodMs, o.seasonSlots);
  let s = input.state ?? initialState(policy, service.containerCapacityRps, service.startupMs, o);

  s = observe(s, history, o, season);
  for (const start of input.startups) s = { ...s, startup: recordStartup(s.startup, start.readyAt - start.startedAt) };
  s = learnFromContainers(s, snapshot, o.capacitySamplePeriods);

  // Periods of the step in progress are already past: the horizon is counted from the last whole step.
  const k = o.stepPeriods;
  const complete = Math.floor(history.length / k);
  const intoStep = history.length - complete * k;
  const stepMs = k * service.controlPeriodMs;
  const horizonSteps = predictionHorizonSteps({ startupP90Ms: startupEstimate(s.startup).value + intoStep * service.controlPeriodMs, controlPeriodMs: service.controlPeriodMs, stepMs });
  const steps = s.model === null ? [] : forecast(s.model, horizonSteps, o.level);
  const atHorizon = steps[horizonSteps - 1];
  if (atHorizon !== undefined && intoStep === 0) s = { ...s, accuracy: recordForecast(s.accuracy, complete - 1, atHorizon) };

  const reactive = recommend(snapshot, policy, s.recommender);
  const e = reactive.explanation;
  const perContainerRps = capacityEstimate(s.capacity).value;
  const predictive = predictiveRecommendation({
    forecast: steps,
    horizonSteps,
    perContainerRps,
    currentReplicas: e.currentReplicas,
    minReplicas: e.minReplicas,
    maxReplicas: e.maxReplicas,
    confidenceHeadroom: o.confidenceHeadroom,
  });
  const final = combineWithReactive(reactive, predictive, o.mode);
  const raised = final.reason === 'forecast-raised' || (final.reason === 'forecast-only' && final.wouldBe > final.desired);
  s = { ...s, recommender: final.state, totals: { ...s.totals, raised: s.totals.raised + (raised ? 1 : 0), horizonSteps } };

  const notes: Record<string, number> = { reactive: reactive.desired, horizonSteps, perContainerRps: round3(perContainerRps) };
  if (predictive.hasOpinion) {
    notes.predictive = predictive.replicas;
    notes.forecastUpperRps = round3(predictive.upperAtHorizon);
    notes.forecastMeanRps = round3(predictive.explanation.meanAtDecidingStep ?? 0);
  }
  return {
    desired: final.desired,
    state: s,
    // The reactive reason unless the forecast changed the count, so a run's reason counts show how often it did.
    explanation: { reason: final.reason === 'forecast-raised' ? 'forecast-raised' : e.reason, summary: final.summary },
    annotations: notes,
  };
}

function initialState(policy: ScalingPolicy, containerCapacityRps: number, startupMs: number, o: PredictiveDeciderOptions): PredictiveState {
  const target = cpuTargetPct(policy);
  return {
    recommender: undefined,
    model: null,
    seen: 0,
    sinceRefit: 0,
    refits: 0,
    capacityPending: { rps: 0, cpu: 0, periods: 0 },
    capacity: createCapacityLearner({ ...o.capacityLearner, targetUtilisationPct: target, defaultPerContainerRps: (containerCapacityRps * target) / 100 }),
    // The configured start-up until five are measured: the simulator knows it, unlike the VIM's 10 s guess.
    startup: createStartupTimeTracker({ defaultMs: startupMs }),
    accuracy: createAccuracyTracker(),
    totals: { pairs: 0, covered: 0, absPctSum: 0, pctPairs: 0, raised: 0, horizonSteps: 0 },
  };
}

/** Feeds every whole step not seen yet to the accuracy tracker and the model, refitting when due. */
function observe(state: PredictiveState, history: readonly LoadObservation[], o: PredictiveDeciderOptions, season: SeasonShape | null): PredictiveState {
  const k = o.stepPeriods;
  const complete = Math.floor(history.length / k);
  if (complete === state.seen) return state;
  let s = state;
  for (let step = s.seen; step < complete; step++) {
    const value = stepValue(history, step, k);
    const accuracy = recordActual(s.accuracy, step, value);
    s = {
      ...s,
      accuracy,
      totals: addPairs(s.totals, accuracy, step, state.accuracy.minActualForMape),
      model: s.model === null ? null : updateModel(s.model, value),
      sinceRefit: s.sinceRefit + 1,
      seen: step + 1,
    };
  }
  // A season is fitted only once two are in the history (chooseModel would not consider it before), over
  // the last few seasons, and at most once a slot: a daily season at ×1 is 43,200 steps, and refitting
  // that every 150 steps would cost more than the rest of the run.
  const seasonSteps = season === null ? 0 : season.slots * season.slotSteps;
  const seasonal = season !== null && complete >= 2 * seasonSteps;
  const every = seasonal ? Math.max(o.refitEverySteps, season.slotSteps) : o.refitEverySteps;
  const due = s.model === null ? s.seen >= o.minFitSteps : s.sinceRefit >= every;
  if (!due) return s;
  const span = seasonal ? o.seasonWindowSeasons * seasonSteps : o.holtWindowSteps;
  const window: number[] = [];
  for (let step = Math.max(0, complete - span); step < complete; step++) window.push(stepValue(history, step, k));
  const model = seasonal ? chooseModel(window, season.slots, { ...fitOptions(o), seasonBucketSteps: season.slotSteps }) : chooseModel(window, undefined, fitOptions(o));
  return { ...s, model, sinceRefit: 0, refits: s.refits + 1 };
}

/** Mean offered rate over the k periods of forecaster step `step`. */
function stepValue(history: readonly LoadObservation[], step: number, k: number): number {
  let sum = 0;
  for (let i = step * k; i < (step + 1) * k; i++) sum += history[i]!.offeredRps;
  return sum / k;
}

function fitOptions(o: PredictiveDeciderOptions): FitOptions {
  const base: FitOptions = { damped: o.damped, varianceWindow: o.varianceWindow };
  return o.params === undefined ? base : { ...base, params: o.params };
}

/** Run-wide accuracy: the pairs `recordActual` just made for `step` are the newest ones with that due step. */
function addPairs(totals: PredictiveState['totals'], accuracy: AccuracyState, step: number, minActualForMape: number): PredictiveState['totals'] {
  let t = totals;
  for (let i = accuracy.pairs.length - 1; i >= 0; i--) {
    const p = accuracy.pairs[i]!;
    if (p.dueStep !== step) break;
    const pct = Math.abs(p.actual) >= minActualForMape && p.actual !== 0;
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

/**
 * The mean rps and CPU over ready containers that have a rate, as the VIM feeds its learner, averaged over
 * `periods` control periods before it becomes one sample. The learner skips samples under 20 % CPU, and
 * a 1 s CPU sample is noisy at low load: the samples it keeps are those whose CPU happened to read high,
 * so their rps/CPU reads low. Averaging first shrinks that noise and with it the bias.
 */
function learnFromContainers(state: PredictiveState, snapshot: ScalingSnapshot, periods: number): PredictiveState {
  let rps = 0;
  let cpu = 0;
  let n = 0;
  for (const c of snapshot.containers) {
    const r = c.metrics.rps;
    const u = c.metrics.cpu;
    if (!c.ready || r === undefined || u === undefined) continue;
    rps += r;
    cpu += u;
    n++;
  }
  if (n === 0) return state;
  const p = state.capacityPending;
  const pending = { rps: p.rps + rps / n, cpu: p.cpu + cpu / n, periods: p.periods + 1 };
  if (pending.periods < periods) return { ...state, capacityPending: pending };
  const sample = { rpsPerContainer: pending.rps / pending.periods, cpuPct: pending.cpu / pending.periods };
  return { ...state, capacityPending: { rps: 0, cpu: 0, periods: 0 }, capacity: learnCapacity(state.capacity, sample) };
}

/** The CPU target capacity is quoted at: the reactive policy's, else 100 % (the threshold rules have none). */
function cpuTargetPct(policy: ScalingPolicy): number {
  if (policy.strategy === 'reactive') {
    const cpu = policy.metrics.find((m) => m.metric === 'cpu');
    if (cpu !== undefined) return cpu.target;
  }
  return 100;
}

function describe(state: PredictiveState | undefined, o: PredictiveDeciderOptions): Record<string, DeciderFact> {
  const capacity = state === undefined ? null : capacityEstimate(state.capacity);
  const startup = state === undefined ? null : startupEstimate(state.startup);
  const model = state?.model ?? null;
  const t = state?.totals;
  const recent = state === undefined ? null : accuracySummary(state.accuracy);
  return {
    mode: o.mode,
    level: o.level,
    model: model === null ? null : model.kind,
    seasonSteps: model === null || model.seasonLength === 0 ? null : model.seasonLength * model.seasonBucketSteps,
    alpha: model === null ? null : round6(model.params.alpha),
    beta: model === null ? null : round6(model.params.beta),
    gamma: model === null ? null : round6(model.params.gamma),
    phi: model === null ? null : round6(model.params.phi),
    refits: state?.refits ?? 0,
    horizonSteps: t?.horizonSteps ?? null,
    perContainerRps: capacity === null ? null : round3(capacity.value),
    capacitySource: capacity?.source ?? null,
    startupP90Ms: startup === null ? null : round3(startup.value),
    startupSource: startup?.source ?? null,
    forecastPairs: t?.pairs ?? 0,
    // At the horizon step, over the whole run: compare coverage with `level`.
    forecastMape: t !== undefined && t.pctPairs > 0 ? round6(t.absPctSum / t.pctPairs) : null,
    forecastCoverage: t !== undefined && t.pairs > 0 ? round6(t.covered / t.pairs) : null,
    recentCoverage: recent?.coverage === null || recent === null ? null : round6(recent.coverage),
    forecastRaisedPeriods: t?.raised ?? 0,
  };
}

function checkOptions(o: PredictiveDeciderOptions): void {
  const problems: string[] = [];
  type IntegerOption = 'seasonSlots' | 'stepPeriods' | 'minFitSteps' | 'refitEverySteps' | 'holtWindowSteps' | 'seasonWindowSeasons' | 'varianceWindow' | 'capacitySamplePeriods';
  const int = (name: IntegerOption, min: number): void => {
    const v = o[name];
    if (!Number.isSafeInteger(v) || v < min) problems.push(`${name} must be a whole number ≥ ${min}, got ${String(v)}`);
  };
  if (!['on', 'forecast-only', 'off'].includes(o.mode)) problems.push(`mode must be on, forecast-only or off, got ${String(o.mode)}`);
  if (!(o.level > 0 && o.level < 1)) problems.push(`level must be within (0, 1), got ${String(o.level)}`);
  if (o.seasonPeriodS !== undefined && !(Number.isFinite(o.seasonPeriodS) && o.seasonPeriodS >= 0)) problems.push(`seasonPeriodS must be a number of seconds ≥ 0, got ${String(o.seasonPeriodS)}`);
  int('seasonSlots', 2);
  int('stepPeriods', 1);
  int('capacitySamplePeriods', 1);
  int('varianceWindow', 1);
  int('minFitSteps', 1);
  int('refitEverySteps', 1);
  int('holtWindowSteps', 10);
  int('seasonWindowSeasons', 2);
  if (problems.length > 0) throw new RangeError(`predictive decider: ${problems.join('; ')}`);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
