import {
  CALIBRATION_MIN_PAIRS,
  calibrationFactor,
  createAccuracyTracker,
  createPredictiveController,
  decidePredictive,
  observeContainers,
  observePoint,
  observeStartup,
  recommend,
  recordActual,
  recordForecast,
  resolvePredictiveSettings,
  summarisePredictive,
  validateScalingPolicy,
  type PredictiveControllerSettings,
  type PredictiveControllerState,
  type Recommendation,
} from '../src';
import { gaussian } from './forecast-noise';

const POLICY = validateScalingPolicy({ minReplicas: 1, maxReplicas: 30, metrics: [{ metric: 'cpu', target: 60 }] });

/** The reactive recommendation for `current` ready containers all at `cpu` %. */
function reactive(current: number, cpu: number, now: number): Recommendation {
  const containers = Array.from({ length: current }, (_, i) => ({ id: `c${i}`, ready: true, starting: false, metrics: { cpu } }));
  return recommend({ now, currentReplicas: current, containers }, POLICY, undefined);
}

/** Feeds `values` one per step, the controller keeping nothing but its state (the history is ours). */
function feed(values: ReadonlyArray<number | null>, settings: PredictiveControllerSettings, state = createPredictiveController({ targetUtilisationPct: 60, defaultPerContainerRps: 10 })): PredictiveControllerState {
  const history: Array<number | null> = [];
  let s = state;
  for (const v of values) {
    history.push(v);
    s = observePoint(s, settings, v, (span) => history.slice(-span));
  }
  return s;
}

const line = (n: number, from: number, perStep: number): number[] => Array.from({ length: n }, (_, i) => from + perStep * i);

describe('the predictive controller', () => {
  const on = resolvePredictiveSettings({ mode: 'on' });

  test('has no model (and no say) before minFitObservations, then fits and refits on schedule', () => {
    const early = feed(line(on.minFitObservations - 1, 10, 1), on);
    expect(early.model).toBeNull();
    expect(decidePredictive(early, on, reactive(3, 60, 0), { controlPeriodMs: 2000 }).combined.desired).toBe(3);
    const fitted = feed(line(on.minFitObservations + on.refitEverySteps, 10, 0.2), on);
    expect(fitted.model?.kind).toBe('holt');
    expect(fitted.refits).toBe(2);
  });

  test('a rising load is provisioned ahead of the reactive count; never below it', () => {
    const s = feed(line(120, 10, 1), on);
    const d = decidePredictive(s, on, reactive(3, 60, 0), { controlPeriodMs: 2000 });
    expect(d.combined.reactive).toBe(3);
    expect(d.predictive.replicas).toBeGreaterThan(13); // 129 req/s and rising at 10 req/s per container
    expect(d.combined.desired).toBe(Math.max(3, d.predictive.replicas));
    expect(d.state.totals.raised).toBe(1);
  });

  test('a falling forecast never scales in on its own', () => {
    const s = feed(line(120, 300, -2), on);
    const d = decidePredictive(s, on, reactive(20, 60, 0), { controlPeriodMs: 2000 });
    expect(d.predictive.replicas).toBeLessThan(20);
    expect(d.combined.desired).toBe(20);
  });

  test('forecast-only changes nothing and says what it would have done', () => {
    const dry = resolvePredictiveSettings({ mode: 'forecast-only' });
    const s = feed(line(120, 10, 1), dry);
    const r = reactive(3, 60, 0);
    const d = decidePredictive(s, dry, r, { controlPeriodMs: 2000 });
    expect(d.combined.desired).toBe(3);
    expect(d.combined.state).toBe(r.state);
    expect(d.combined.wouldBe).toBeGreaterThan(3);
  });

  test('empty, constant and gappy history give finite numbers, never NaN', () => {
    const gappy = [...line(40, 20, 0.5), null, null, Number.NaN, ...line(40, 40, 0.5), null];
    for (const values of [[], Array<number>(80).fill(25), gappy, Array<null>(50).fill(null)]) {
      const s = feed(values, on);
      const d = decidePredictive(s, on, reactive(2, 50, 0), { controlPeriodMs: 2000 });
      expect(Number.isFinite(d.combined.desired)).toBe(true);
      for (const f of d.forecast) for (const x of [f.mean, f.lower, f.upper]) expect(Number.isFinite(x)).toBe(true);
      const summary = summarisePredictive(d.state);
      expect(summary.forecastCoverage === null || Number.isFinite(summary.forecastCoverage)).toBe(true);
    }
  });

  test('start-ups lengthen the horizon; container samples teach capacity', () => {
    let s = createPredictiveController({ targetUtilisationPct: 60, defaultPerContainerRps: 10 });
    for (let i = 0; i < 5; i++) s = observeStartup(s, 30_000);
    expect(decidePredictive(s, on, reactive(1, 60, 0), { controlPeriodMs: 2000 }).horizonSteps).toBe(16);
    for (let i = 0; i < 10 * on.capacitySamplePeriods; i++) s = observeContainers(s, on, { rps: 15, cpuPct: 60 });
    expect(summarisePredictive(s).capacity).toMatchObject({ value: 15, source: 'learned' });
  });

  test('a forecast raise is held for one horizon (not the reactive window), then the forecast of the moment decides', () => {
    const rising = feed(line(120, 10, 1), on);
    const r0 = reactive(3, 60, 0);
    const d1 = decidePredictive(rising, on, r0, { controlPeriodMs: 2000 });
    expect(d1.combined.reason).toBe('forecast-raised');
    // Not the reactive rule's recommendation: its 300 s scale-down window does not hold it.
    expect(d1.combined.state.recommendations).toEqual(r0.state.recommendations);
    // The load turns flat and low: within the horizon the raise still holds, after it the count falls back.
    const calm = { ...d1.state, model: feed(Array<number>(60).fill(10), on).model };
    const within = decidePredictive(calm, on, reactive(3, 20, 2000), { controlPeriodMs: 2000 });
    expect(within.combined.desired).toBe(d1.combined.desired);
    const after = decidePredictive(within.state, on, reactive(3, 20, 2000 + d1.horizonSteps * 2000), { controlPeriodMs: 2000 });
    expect(after.combined.desired).toBe(3);
    // The other setting records it as the reactive rule's own, so the 300 s window holds it.
    const windowed = resolvePredictiveSettings({ forecastHold: 'scale-down-window' });
    const w = decidePredictive(rising, windowed, r0, { controlPeriodMs: 2000 });
    expect(w.combined.state.recommendations.some((x) => x.replicas === w.combined.desired)).toBe(true);
  });

  test('bad settings are refused, each named', () => {
    expect(() => resolvePredictiveSettings({ level: 1, refitEverySteps: 0, season: { slots: 1, slotSteps: 2 } })).toThrow(/level.*season.*refitEverySteps/);
  });
});

describe('interval calibration', () => {
  /** Forecasts with a half-width of 10 around a mean of 100, and actuals drawn from N(100, sigma). */
  function record(sigma: number, pairs: number, seed = 7): ReturnType<typeof createAccuracyTracker> {
    const normal = gaussian(seed);
    let a = createAccuracyTracker();
    for (let step = 0; step < pairs; step++) {
      a = recordForecast(a, step, { step: 1, mean: 100, lower: 90, upper: 110 });
      a = recordActual(a, step + 1, 100 + sigma * normal());
    }
    return a;
  }

  test('needs enough pairs first', () => {
    expect(calibrationFactor(record(10, CALIBRATION_MIN_PAIRS - 1), 0.8)).toBeNull();
  });

  test('scales the half-width so the upper bound is the (1 + level) / 2 quantile of what came', () => {
    // z(0.9) = 1.2816: with σ = 10 the right half-width at level 0.8 is 12.8, so the factor is ~1.28
    // (a 0.9 quantile of 500 draws is good to about ±0.08σ).
    const narrow = calibrationFactor(record(10, 500), 0.8)!;
    expect(narrow).toBeGreaterThan(1.15);
    expect(narrow).toBeLessThan(1.45);
    // Too wide an interval (σ = 4: right half-width 5.1) asks for about half.
    const wide = calibrationFactor(record(4, 500), 0.8)!;
    expect(wide).toBeGreaterThan(0.45);
    expect(wide).toBeLessThan(0.6);
    // Coverage of the calibrated upper bound on the same noisy data is then near its level.
    const factor = calibrationFactor(record(10, 500), 0.8)!;
    const fresh = record(10, 500, 8).pairs;
    const below = fresh.filter((p) => p.actual <= p.mean + factor * (p.upper - p.mean)).length / fresh.length;
    expect(below).toBeGreaterThan(0.85);
    expect(below).toBeLessThan(0.95);
  });

  test('stays within [1/2, 2] whatever the record says', () => {
    expect(calibrationFactor(record(100, 500), 0.8)).toBe(2);
    expect(calibrationFactor(record(0.1, 500), 0.8)).toBe(0.5);
  });
});
