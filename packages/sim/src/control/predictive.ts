import {
  PREDICTIVE_CONTROLLER_DEFAULTS,
  createPredictiveController,
  decidePredictive,
  observeContainers,
  observePoint,
  observeStartup,
  recommend,
  resolvePredictiveSettings,
  summarisePredictive,
  type CapacityLearnerOptions,
  type PredictiveControllerSettings,
  type PredictiveControllerState,
  type RecommenderState,
  type ScalingPolicy,
  type ScalingSnapshot,
} from '@acs/scaling';
import type { Decider, DeciderFact, DecisionInput } from './decider';

/**
 * The predictive policy as the VIM runs it: this decider is only an adapter from the engine's inputs to
 * @acs/scaling's predictive controller (`observePoint`, `observeContainers`, `observeStartup`,
 * `decidePredictive`), the same functions and the same defaults as the VIM's `ServiceForecast`. The
 * forecaster's step is the control period, as in the VIM; the season is given in simulated seconds.
 *
 * `final.state` (not `reactive.state`) goes to the next `recommend`, so a forecast-raised count is held by
 * the scale-down window like a reactive scale-up.
 */

/** The controller's settings with the season as a length in seconds, plus the capacity learner's. */
export interface PredictiveDeciderOptions extends Omit<PredictiveControllerSettings, 'season'> {
  /**
   * Length of the load's cycle in simulated seconds (a trace day is 86400 / timeCompress); undefined or 0:
   * no season, Holt only. Used only once two cycles are in the history, and only if the AIC prefers it.
   */
  seasonPeriodS: number | undefined;
  /** Slots per season; the nearest divisor of the season's steps is used. @default 24 (hourly for a day) */
  seasonSlots: number;
  /** Capacity learner settings over @acs/scaling's defaults (target and default capacity come from the policy and the model). */
  capacityLearner: Partial<Pick<CapacityLearnerOptions, 'minUtilisationPct' | 'minSamples' | 'smoothing'>>;
}

/** The controller's defaults (the VIM's), a daily season's slot count, and the learner's defaults. */
export const PREDICTIVE_DEFAULTS: Readonly<PredictiveDeciderOptions> = Object.freeze({
  ...PREDICTIVE_CONTROLLER_DEFAULTS,
  seasonPeriodS: undefined,
  seasonSlots: 24,
  capacityLearner: {},
});

/** Everything the decider carries from one period to the next; plain data, as a decider's state must be. */
export interface PredictiveState {
  /** `final.state` of the last period; undefined before the first, as `recommend` expects. */
  recommender: RecommenderState | undefined;
  controller: PredictiveControllerState;
  horizonSteps: number;
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
    // Nested settings merge field by field, so setting one keeps the default of the other.
    confidenceHeadroom: { ...PREDICTIVE_DEFAULTS.confidenceHeadroom, ...options.confidenceHeadroom },
    changeDetector: { ...PREDICTIVE_DEFAULTS.changeDetector, ...options.changeDetector },
    capacityLearner: { ...PREDICTIVE_DEFAULTS.capacityLearner, ...options.capacityLearner },
  };
  const problems: string[] = [];
  if (o.seasonPeriodS !== undefined && !(Number.isFinite(o.seasonPeriodS) && o.seasonPeriodS >= 0)) problems.push(`seasonPeriodS must be a number of seconds ≥ 0, got ${String(o.seasonPeriodS)}`);
  if (!Number.isSafeInteger(o.seasonSlots) || o.seasonSlots < 2) problems.push(`seasonSlots must be a whole number ≥ 2, got ${String(o.seasonSlots)}`);
  if (problems.length > 0) throw new RangeError(`predictive decider: ${problems.join('; ')}`);
  const { seasonPeriodS: _period, seasonSlots: _slots, capacityLearner: _learner, ...controller } = o;
  // Checked once here with no season; the season (which needs the control period) is added at the first decision.
  const base = resolvePredictiveSettings({ ...controller, season: null });
  const name = o.mode === 'on' ? 'predictive' : `predictive (${o.mode})`;
  return {
    name,
    decide: (input) => decide(input, o, base),
    describe: (state) => describe(state, o),
  };
}

function decide(input: DecisionInput<PredictiveState>, o: PredictiveDeciderOptions, base: PredictiveControllerSettings): ReturnType<Decider<PredictiveState>['decide']> {
  const { snapshot, policy, history, model: service } = input;
  const settings: PredictiveControllerSettings = { ...base, season: seasonShape(o.seasonPeriodS, service.controlPeriodMs, o.seasonSlots) };
  const target = cpuTargetPct(policy);
  let c =
    input.state?.controller ??
    createPredictiveController({
      targetUtilisationPct: target,
      defaultPerContainerRps: (service.containerCapacityRps * target) / 100,
      // The configured start-up until five are measured: the simulator knows it, unlike the VIM's 10 s guess.
      defaultStartupMs: service.startupMs,
      capacityLearner: o.capacityLearner,
    });

  // The engine passes the whole history each period; only the periods not seen yet are new.
  for (let step = c.steps; step < history.length; step++) {
    const upTo = step + 1;
    c = observePoint(c, settings, history[step]!.offeredRps, (span) => history.slice(Math.max(0, upTo - span), upTo).map((h) => h.offeredRps));
  }
  for (const start of input.startups) c = observeStartup(c, start.readyAt - start.startedAt);
  c = observeContainers(c, settings, containerMeans(snapshot));

  const reactive = recommend(snapshot, policy, input.state?.recommender);
  const decision = decidePredictive(c, settings, reactive, { controlPeriodMs: service.controlPeriodMs });
  const final = decision.combined;
  const notes: Record<string, number> = { reactive: reactive.desired, horizonSteps: decision.horizonSteps, perContainerRps: round3(decision.perContainerRps) };
  if (decision.predictive.hasOpinion) {
    notes.predictive = decision.predictive.replicas;
    notes.forecastUpperRps = round3(decision.predictive.upperAtHorizon);
    notes.forecastMeanRps = round3(decision.predictive.explanation.meanAtDecidingStep ?? 0);
    notes.calibration = round3(decision.calibration);
  }
  return {
    desired: final.desired,
    state: { recommender: final.state, controller: decision.state, horizonSteps: decision.horizonSteps },
    // The reactive reason unless the forecast changed the count, so a run's reason counts show how often it did.
    explanation: { reason: final.reason === 'forecast-raised' ? 'forecast-raised' : reactive.explanation.reason, summary: final.summary },
    annotations: notes,
  };
}

/** The mean rps and CPU over ready containers that have a rate, as the VIM feeds its learner; null if none. */
function containerMeans(snapshot: ScalingSnapshot): { rps: number; cpuPct: number } | null {
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
  return n === 0 ? null : { rps: rps / n, cpuPct: cpu / n };
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
  const s = state === undefined ? null : summarisePredictive(state.controller, o.level);
  return {
    mode: o.mode,
    level: o.level,
    model: s?.model ?? null,
    seasonSteps: s?.seasonSteps ?? null,
    alpha: s?.params ? round6(s.params.alpha) : null,
    beta: s?.params ? round6(s.params.beta) : null,
    gamma: s?.params ? round6(s.params.gamma) : null,
    phi: s?.params ? round6(s.params.phi) : null,
    refits: s?.refits ?? 0,
    horizonSteps: state?.horizonSteps ?? null,
    perContainerRps: s === null ? null : round3(s.capacity.value),
    capacitySource: s?.capacity.source ?? null,
    startupP90Ms: s === null ? null : round3(s.startupP90.value),
    startupSource: s?.startupP90.source ?? null,
    forecastPairs: s?.forecastPairs ?? 0,
    // At the horizon step, over the whole run: compare coverage with `level`.
    forecastMape: s?.forecastMape == null ? null : round6(s.forecastMape),
    forecastCoverage: s?.forecastCoverage == null ? null : round6(s.forecastCoverage),
    recentCoverage: s?.recentCoverage == null ? null : round6(s.recentCoverage),
    forecastRaisedPeriods: s?.raisedPeriods ?? 0,
    changeAlarmsUp: s?.changeAlarms.up ?? 0,
    changeAlarmsDown: s?.changeAlarms.down ?? 0,
    calibration: s?.calibration == null ? null : round3(s.calibration),
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
