import type { ForecastView } from '@acs/api-types';
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
  parseFittedModel,
  predictionHorizonSteps,
  predictiveRecommendation,
  recordActual,
  recordForecast,
  recordStartup,
  startupEstimate,
  updateModel,
  type AccuracyState,
  type CapacityLearnerState,
  type CombinedRecommendation,
  type FittedModel,
  type PredictiveMode,
  type Recommendation,
  type StartupTimeState,
} from '@acs/scaling';

/** The predictive part of a service's policy (`GET/PUT /api/v1/services/:name/policy`, `predictive`). */
export interface PredictiveSettings {
  mode: PredictiveMode;
  /** Prediction-interval level the policy provisions for. */
  level: number;
  /** Requests/s one container serves at the CPU target, until enough samples teach it. */
  defaultCapacityRps: number;
  /**
   * Optional seasonality: `seasonSlots` slots of `seasonSlotSteps` control periods each (e.g. 24 slots of
   * 1800 steps at 2 s for a daily cycle). Null: Holt's linear trend only.
   */
  seasonSlots: number | null;
  seasonSlotSteps: number;
}

export const DEFAULT_PREDICTIVE_SETTINGS: PredictiveSettings = {
  mode: 'off',
  level: 0.95,
  defaultCapacityRps: 25,
  seasonSlots: null,
  seasonSlotSteps: 1,
};

/** What survives a restart: the history the season needs, the model, and what was learned. */
export interface PersistedForecast {
  version: 1;
  /** Time of the first history point (ms) and the step between points. */
  startAt: number;
  stepMs: number;
  history: Array<number | null>;
  model: unknown;
  capacity: CapacityLearnerState;
  startup: StartupTimeState;
}

/** At most a week at one point per 2 s: two daily seasons and then some. */
const MAX_HISTORY_POINTS = 7 * 43_200;
/** Refit (model selection and parameters) this often; between refits the model is updated online. */
const REFIT_EVERY_STEPS = 150;
/** Holt refits look at this much recent history; a seasonal refit at all of it. */
const HOLT_FIT_WINDOW_STEPS = 1800;
const MIN_FIT_POINTS = 10;
/**
 * Control periods whose container samples are averaged into one capacity sample, and the relative interval
 * width above which headroom is added: the values the simulator's evaluation settled on (per-period samples
 * learned ~10% low; at tens of req/s, 2 s counting noise alone made every interval "wide").
 */
const CAPACITY_SAMPLE_PERIODS = 15;
const WIDE_RELATIVE_WIDTH = 1.5;

/**
 * A service's forecast in the VIM: one arrival-rate point per control period, a model kept up to date
 * online and refitted every few minutes, the capacity and start-up times it learns, and the predictive
 * policy that turns them into a count. The decisions themselves are @acs/scaling's.
 */
export class ServiceForecast {
  private history: Array<number | null> = [];
  private startAt: number | undefined;
  private model: FittedModel | null = null;
  private modelAt: number | null = null;
  private accuracy: AccuracyState = createAccuracyTracker();
  private capacity: CapacityLearnerState;
  private startup: StartupTimeState = createStartupTimeTracker();
  private stepsSinceRefit = 0;
  private lastCombined: CombinedRecommendation | undefined;
  private lastPerContainerRps: number | null = null;
  private capacitySum = { rps: 0, cpuPct: 0, periods: 0 };

  constructor(
    private settings: PredictiveSettings,
    private readonly stepMs: number,
    private cpuTargetPct: number,
    saved?: PersistedForecast,
  ) {
    this.capacity = createCapacityLearner({ targetUtilisationPct: cpuTargetPct, defaultPerContainerRps: settings.defaultCapacityRps });
    if (saved && saved.stepMs === stepMs) {
      this.history = saved.history.slice(-MAX_HISTORY_POINTS);
      this.startAt = saved.startAt + (saved.history.length - this.history.length) * stepMs;
      this.capacity = saved.capacity;
      this.startup = saved.startup;
      try {
        this.model = saved.model === null ? null : parseFittedModel(saved.model);
      } catch {
        // A model from another build: refit from the history, which is what matters.
        this.model = null;
      }
    }
  }

  get mode(): PredictiveMode {
    return this.settings.mode;
  }

  updateSettings(settings: PredictiveSettings, cpuTargetPct: number): void {
    const seasonChanged = settings.seasonSlots !== this.settings.seasonSlots || settings.seasonSlotSteps !== this.settings.seasonSlotSteps;
    this.settings = settings;
    if (cpuTargetPct !== this.cpuTargetPct || settings.defaultCapacityRps !== this.capacity.defaultPerContainerRps) {
      this.cpuTargetPct = cpuTargetPct;
      this.capacity = { ...this.capacity, targetUtilisationPct: cpuTargetPct, defaultPerContainerRps: settings.defaultCapacityRps };
    }
    if (seasonChanged) this.refit();
  }

  /** A container went from started to ready in this long. */
  recordStartup(durationMs: number): void {
    this.startup = recordStartup(this.startup, durationMs);
  }

  /**
   * One control period: the arrival rate at the front (null when unknown), and the mean rps and CPU over
   * ready containers for the capacity learner.
   */
  observe(now: number, arrivalRps: number | null, perContainer: { rps: number; cpuPct: number } | null): void {
    if (this.startAt === undefined) this.startAt = now;
    // Periods missed (a VIM restart, a paused process) become gaps, so the season stays aligned with time.
    const expected = Math.round((now - this.startAt) / this.stepMs);
    while (this.history.length < expected) this.pushPoint(null);
    this.pushPoint(arrivalRps);
    if (perContainer) {
      this.capacitySum.rps += perContainer.rps;
      this.capacitySum.cpuPct += perContainer.cpuPct;
      this.capacitySum.periods++;
      if (this.capacitySum.periods >= CAPACITY_SAMPLE_PERIODS) {
        const { rps, cpuPct, periods } = this.capacitySum;
        this.capacity = learnCapacity(this.capacity, { rpsPerContainer: rps / periods, cpuPct: cpuPct / periods });
        this.capacitySum = { rps: 0, cpuPct: 0, periods: 0 };
      }
    }
    this.stepsSinceRefit++;
    if (this.model === null || this.stepsSinceRefit >= REFIT_EVERY_STEPS) this.refit();
  }

  private pushPoint(value: number | null): void {
    this.history.push(value);
    const step = this.history.length - 1;
    this.accuracy = recordActual(this.accuracy, step, value);
    if (this.model) this.model = updateModel(this.model, value);
    if (this.history.length > MAX_HISTORY_POINTS) {
      this.history.shift();
      this.startAt = (this.startAt ?? 0) + this.stepMs;
    }
  }

  private refit(): void {
    this.stepsSinceRefit = 0;
    if (this.history.filter((v) => v !== null).length < MIN_FIT_POINTS) return;
    const { seasonSlots, seasonSlotSteps } = this.settings;
    // Two seasons and a half are what a seasonal fit needs; more only costs event-loop time (a daily
    // season of 2 s steps is ~100k points, ~0.3 s to fit).
    const window = seasonSlots === null ? this.history.slice(-HOLT_FIT_WINDOW_STEPS) : this.history.slice(-Math.ceil(2.5 * seasonSlots * seasonSlotSteps));
    this.model = chooseModel(window, seasonSlots ?? undefined, { seasonBucketSteps: seasonSlotSteps });
    this.modelAt = Date.now();
  }

  private horizonSteps(controlPeriodMs: number): number {
    return predictionHorizonSteps({ startupP90Ms: startupEstimate(this.startup).value, controlPeriodMs, stepMs: this.stepMs });
  }

  /**
   * Combines the reactive recommendation with the forecast per the mode. Pass the result's `state` to the
   * next reactive call. Off, or without a model: the reactive recommendation unchanged.
   */
  combine(reactive: Recommendation, controlPeriodMs: number): CombinedRecommendation | undefined {
    if (this.settings.mode === 'off' || this.model === null) return undefined;
    const e = reactive.explanation;
    const horizon = this.horizonSteps(controlPeriodMs);
    const steps = forecast(this.model, horizon, this.settings.level);
    const last = steps[steps.length - 1];
    if (last) this.accuracy = recordForecast(this.accuracy, this.history.length - 1, last);
    const perContainerRps = capacityEstimate(this.capacity).value;
    this.lastPerContainerRps = perContainerRps;
    const predictive = predictiveRecommendation({ forecast: steps, horizonSteps: horizon, perContainerRps, currentReplicas: e.currentReplicas, minReplicas: e.minReplicas, maxReplicas: e.maxReplicas, confidenceHeadroom: { wideRelativeWidth: WIDE_RELATIVE_WIDTH } });
    this.lastCombined = combineWithReactive(reactive, predictive, this.settings.mode);
    return this.lastCombined;
  }

  view(service: string, now: number, controlPeriodMs: number, points = 900): ForecastView {
    const horizon = this.horizonSteps(controlPeriodMs);
    const start = this.startAt ?? now;
    const first = Math.max(0, this.history.length - points);
    const history = this.history.slice(first).map((rps, i) => ({ at: new Date(start + (first + i) * this.stepMs).toISOString(), rps }));
    const lastAt = start + (this.history.length - 1) * this.stepMs;
    const steps = this.model ? forecast(this.model, horizon, this.settings.level) : [];
    const summary = accuracySummary(this.accuracy);
    return {
      service,
      mode: this.settings.mode,
      stepSeconds: this.stepMs / 1000,
      history,
      forecast: steps.map((s) => ({ at: new Date(lastAt + s.step * this.stepMs).toISOString(), mean: s.mean, lower: s.lower, upper: s.upper })),
      level: this.settings.level,
      horizonSteps: horizon,
      model: this.model
        ? {
            kind: this.model.kind,
            seasonLength: this.model.seasonLength > 0 ? this.model.seasonLength * this.model.seasonBucketSteps : null,
            fittedAt: this.modelAt === null ? null : new Date(this.modelAt).toISOString(),
            params: { ...this.model.params } as unknown as Record<string, number>,
          }
        : null,
      accuracy: { mape: summary.mape, coverage: summary.coverage, samples: summary.pairs },
      recommendation: this.lastCombined
        ? { replicas: this.lastCombined.predictive, perContainerRps: this.lastPerContainerRps, summary: this.lastCombined.summary }
        : null,
    };
  }

  toJSON(): PersistedForecast {
    return { version: 1, startAt: this.startAt ?? 0, stepMs: this.stepMs, history: this.history, model: this.model, capacity: this.capacity, startup: this.startup };
  }
}

/**
 * The predictive settings with a patch applied, or the problems (each naming its field) when the result
 * is not valid. Unknown fields are problems too: a typo must not be silently ignored.
 */
export function mergedPredictive(current: PredictiveSettings, patch: Record<string, unknown>, problems: Array<{ path: string; message: string }>): PredictiveSettings | undefined {
  const next: PredictiveSettings = { ...current };
  const before = problems.length;
  for (const [key, value] of Object.entries(patch)) {
    const path = `predictive.${key}`;
    switch (key) {
      case 'mode':
        if (value === 'off' || value === 'forecast-only' || value === 'on') next.mode = value;
        else problems.push({ path, message: `must be off, forecast-only or on, got ${JSON.stringify(value)}` });
        break;
      case 'level':
        if (typeof value === 'number' && value >= 0.5 && value < 1) next.level = value;
        else problems.push({ path, message: `must be a number from 0.5 to below 1 (e.g. 0.95), got ${JSON.stringify(value)}` });
        break;
      case 'defaultCapacityRps':
        if (typeof value === 'number' && value > 0 && Number.isFinite(value)) next.defaultCapacityRps = value;
        else problems.push({ path, message: `must be a positive number of requests/s, got ${JSON.stringify(value)}` });
        break;
      case 'seasonSlots':
        if (value === null || (typeof value === 'number' && Number.isInteger(value) && value >= 2 && value <= 10_000)) next.seasonSlots = value;
        else problems.push({ path, message: `must be null (no season) or a whole number from 2 to 10000, got ${JSON.stringify(value)}` });
        break;
      case 'seasonSlotSteps':
        if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 1_000_000) next.seasonSlotSteps = value;
        else problems.push({ path, message: `must be a whole number of control periods from 1, got ${JSON.stringify(value)}` });
        break;
      default:
        problems.push({ path, message: 'unknown field (expected mode, level, defaultCapacityRps, seasonSlots, seasonSlotSteps)' });
    }
  }
  return problems.length > before ? undefined : next;
}

/** The CPU target capacity is learned at: the policy's cpu metric target, else the HPA default. */
export function cpuTargetOf(policy: { strategy: string; metrics?: Array<{ metric: string; target: number }> }): number {
  return policy.metrics?.find((m) => m.metric === 'cpu')?.target ?? 60;
}
