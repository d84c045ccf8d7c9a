import type { ForecastView } from '@acs/api-types';
import {
  PREDICTIVE_CONTROLLER_DEFAULTS,
  accuracySummary,
  controllerHorizonSteps,
  createPredictiveController,
  decidePredictive,
  forecast,
  observeContainers,
  observePoint,
  observeStartup,
  parseFittedModel,
  refit,
  resolvePredictiveSettings,
  retargetCapacity,
  type CapacityLearnerState,
  type CombinedRecommendation,
  type PredictiveControllerSettings,
  type PredictiveControllerState,
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

/** Off until switched on; the level is the predictive controller's, the one the simulator's report uses. */
export const DEFAULT_PREDICTIVE_SETTINGS: PredictiveSettings = {
  mode: 'off',
  level: PREDICTIVE_CONTROLLER_DEFAULTS.level,
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

/** The controller's settings for a service's: everything but mode, level and season is the shared default. */
function controllerSettings(settings: PredictiveSettings): PredictiveControllerSettings {
  return resolvePredictiveSettings({
    mode: settings.mode,
    level: settings.level,
    season: settings.seasonSlots === null ? null : { slots: settings.seasonSlots, slotSteps: settings.seasonSlotSteps },
  });
}

/**
 * A service's forecast in the VIM: the history (one arrival-rate point per control period, gaps kept) and
 * its persistence around @acs/scaling's predictive controller, which does everything else (model
 * updates and refits, the capacity and start-up learners, the count) exactly as the simulator runs it.
 */
export class ServiceForecast {
  private history: Array<number | null> = [];
  private startAt: number | undefined;
  private state: PredictiveControllerState;
  private controller: PredictiveControllerSettings;
  private modelAt: number | null = null;
  private lastCombined: CombinedRecommendation | undefined;
  private lastPerContainerRps: number | null = null;

  constructor(
    private settings: PredictiveSettings,
    private readonly stepMs: number,
    cpuTargetPct: number,
    saved?: PersistedForecast,
  ) {
    this.controller = controllerSettings(settings);
    this.state = createPredictiveController({ targetUtilisationPct: cpuTargetPct, defaultPerContainerRps: settings.defaultCapacityRps });
    if (saved && saved.stepMs === stepMs) {
      this.history = saved.history.slice(-MAX_HISTORY_POINTS);
      this.startAt = saved.startAt + (saved.history.length - this.history.length) * stepMs;
      let model = null;
      try {
        model = saved.model === null ? null : parseFittedModel(saved.model);
      } catch {
        // A model from another build: refit from the history, which is what matters.
      }
      const observations = this.history.filter((v) => v !== null).length;
      this.state = { ...this.state, model, capacity: saved.capacity, startup: saved.startup, steps: this.history.length, observations };
      if (model === null) this.state = refit(this.state, this.controller, this.recent);
    }
  }

  get mode(): PredictiveMode {
    return this.settings.mode;
  }

  private readonly recent = (span: number): Array<number | null> => this.history.slice(-span);

  updateSettings(settings: PredictiveSettings, cpuTargetPct: number): void {
    const seasonChanged = settings.seasonSlots !== this.settings.seasonSlots || settings.seasonSlotSteps !== this.settings.seasonSlotSteps;
    this.settings = settings;
    this.controller = controllerSettings(settings);
    const capacity = this.state.capacity;
    if (cpuTargetPct !== capacity.targetUtilisationPct || settings.defaultCapacityRps !== capacity.defaultPerContainerRps) {
      this.state = retargetCapacity(this.state, cpuTargetPct, settings.defaultCapacityRps);
    }
    if (seasonChanged) this.refitNow();
  }

  /** A container went from started to ready in this long. */
  recordStartup(durationMs: number): void {
    this.state = observeStartup(this.state, durationMs);
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
    this.state = observeContainers(this.state, this.controller, perContainer);
  }

  private pushPoint(value: number | null): void {
    this.history.push(value);
    if (this.history.length > MAX_HISTORY_POINTS) {
      this.history.shift();
      this.startAt = (this.startAt ?? 0) + this.stepMs;
    }
    const refits = this.state.refits;
    this.state = observePoint(this.state, this.controller, value, this.recent);
    if (this.state.refits !== refits) this.modelAt = Date.now();
  }

  private refitNow(): void {
    this.state = refit(this.state, this.controller, this.recent);
    this.modelAt = Date.now();
  }

  private timing(controlPeriodMs: number): { controlPeriodMs: number; stepMs: number } {
    return { controlPeriodMs, stepMs: this.stepMs };
  }

  /**
   * Combines the reactive recommendation with the forecast per the mode. Pass the result's `state` to the
   * next reactive call. Off, or without a model: undefined, and the reactive recommendation stands.
   */
  combine(reactive: Recommendation, controlPeriodMs: number): CombinedRecommendation | undefined {
    if (this.settings.mode === 'off' || this.state.model === null) return undefined;
    const decision = decidePredictive(this.state, this.controller, reactive, this.timing(controlPeriodMs));
    this.state = decision.state;
    this.lastPerContainerRps = decision.perContainerRps;
    this.lastCombined = decision.combined;
    return decision.combined;
  }

  view(service: string, now: number, controlPeriodMs: number, points = 900): ForecastView {
    const horizon = controllerHorizonSteps(this.state, this.timing(controlPeriodMs));
    const start = this.startAt ?? now;
    const first = Math.max(0, this.history.length - points);
    const history = this.history.slice(first).map((rps, i) => ({ at: new Date(start + (first + i) * this.stepMs).toISOString(), rps }));
    const lastAt = start + (this.history.length - 1) * this.stepMs;
    const model = this.state.model;
    const steps = model ? forecast(model, horizon, this.settings.level) : [];
    const summary = accuracySummary(this.state.accuracy);
    return {
      service,
      mode: this.settings.mode,
      stepSeconds: this.stepMs / 1000,
      history,
      forecast: steps.map((s) => ({ at: new Date(lastAt + s.step * this.stepMs).toISOString(), mean: s.mean, lower: s.lower, upper: s.upper })),
      level: this.settings.level,
      horizonSteps: horizon,
      model: model
        ? {
            kind: model.kind,
            seasonLength: model.seasonLength > 0 ? model.seasonLength * model.seasonBucketSteps : null,
            fittedAt: this.modelAt === null ? null : new Date(this.modelAt).toISOString(),
            params: { ...model.params } as unknown as Record<string, number>,
          }
        : null,
      accuracy: { mape: summary.mape, coverage: summary.coverage, samples: summary.pairs },
      recommendation: this.lastCombined
        ? { replicas: this.lastCombined.predictive, perContainerRps: this.lastPerContainerRps, summary: this.lastCombined.summary }
        : null,
    };
  }

  toJSON(): PersistedForecast {
    return { version: 1, startAt: this.startAt ?? 0, stepMs: this.stepMs, history: this.history, model: this.state.model, capacity: this.state.capacity, startup: this.state.startup };
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
