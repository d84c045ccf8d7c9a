import {
  CHANGE_DETECTOR_DEFAULTS,
  createChangeDetector,
  createPredictiveController,
  detectChange,
  fitHolt,
  forecast,
  observePoint,
  oneStepMean,
  resolvePredictiveSettings,
  restartLevelTrend,
  standardisedResidual,
  summarisePredictive,
  type ChangeAlarm,
  type ChangeDetectorState,
  type FittedModel,
  type PredictiveControllerSettings,
  type PredictiveControllerState,
} from '../src';
import { gaussian } from './forecast-noise';

/** Runs the detector over standardised residuals; the alarms with the step they fired at. */
function alarmsOver(zs: ReadonlyArray<number | null>): Array<ChangeAlarm & { step: number }> {
  let state: ChangeDetectorState = createChangeDetector();
  const out: Array<ChangeAlarm & { step: number }> = [];
  zs.forEach((z, step) => {
    const r = detectChange(state, z, step);
    state = r.state;
    if (r.alarm !== null) out.push({ ...r.alarm, step });
  });
  return out;
}

function feed(values: ReadonlyArray<number | null>, settings: PredictiveControllerSettings): PredictiveControllerState {
  const history: Array<number | null> = [];
  let s = createPredictiveController({ targetUtilisationPct: 60, defaultPerContainerRps: 10 });
  for (const v of values) {
    history.push(v);
    s = observePoint(s, settings, v, (span) => history.slice(-span));
  }
  return s;
}

/** `flat` steps of 20 ± Poisson-like noise, then a ramp of `slope` per step for `rise` steps. */
function flatThenRamp(flat: number, rise: number, slope: number, seed: number): number[] {
  const noise = gaussian(seed);
  return Array.from({ length: flat + rise }, (_, t) => {
    const mean = 20 + (t < flat ? 0 : slope * (t - flat + 1));
    return Math.max(0, mean + Math.sqrt(mean / 2) * noise());
  });
}

describe('detectChange (two-sided CUSUM)', () => {
  it('fires upward within a few steps of a 3 σ step, dating the change at the step', () => {
    const zs = [...Array.from({ length: 50 }, () => 0), ...Array.from({ length: 10 }, () => 3)];
    const alarms = alarmsOver(zs);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ direction: 'up', fromStep: 50 });
    expect(alarms[0]!.step).toBeLessThanOrEqual(52);
  });

  it('fires downward on a drop', () => {
    const alarms = alarmsOver([...Array.from({ length: 20 }, () => 0.2), ...Array.from({ length: 10 }, () => -2)]);
    expect(alarms[0]).toMatchObject({ direction: 'down', fromStep: 20 });
  });

  it('stays quiet on stationary Gaussian noise far longer than a ramp takes to show', () => {
    const noise = gaussian(7);
    const alarms = alarmsOver(Array.from({ length: 2000 }, () => noise()));
    // h = 5, k = 0.5: about one false alarm per ~465 steps per side; allow the tail.
    expect(alarms.length).toBeLessThanOrEqual(12);
  });

  it('ignores gaps and non-finite residuals, and rests after an alarm', () => {
    const s0 = createChangeDetector();
    expect(detectChange(s0, null, 0).state).toBe(s0);
    expect(detectChange(s0, Number.NaN, 0).alarm).toBeNull();
    const fired = detectChange({ ...s0, up: 4.9, upSince: 3 }, 1, 10);
    expect(fired.alarm).toEqual({ direction: 'up', fromStep: 3 });
    expect(fired.state).toMatchObject({ up: 0, down: 0, alarmsUp: 1, quietUntil: 11 + CHANGE_DETECTOR_DEFAULTS.refractory });
    // During the rest even a huge residual is not tested.
    expect(detectChange(fired.state, 100, 12).alarm).toBeNull();
  });
});

describe('restartLevelTrend', () => {
  const model: FittedModel = fitHolt(Array.from({ length: 60 }, (_, t) => 20 + (t % 2 === 0 ? 1 : -1)));

  it('puts the level on the line through the points at the last one; `line` takes its slope', () => {
    const points = [30, 32, 34, 36];
    expect(restartLevelTrend(model, points).level).toBeCloseTo(36, 9);
    expect(restartLevelTrend(model, points).trend).toBe(model.trend);
    const line = restartLevelTrend(model, points, 'line');
    expect(line.level).toBeCloseTo(36, 9);
    expect(line.trend).toBeCloseTo(2, 9);
    expect(forecast(line, 2)[1]!.mean).toBeCloseTo(40, 6);
  });

  it('skips gaps at their own steps and leaves the model alone with fewer than two known points', () => {
    expect(restartLevelTrend(model, [30, null, 34, undefined, 38], 'line').trend).toBeCloseTo(2, 9);
    expect(restartLevelTrend(model, [])).toBe(model);
    expect(restartLevelTrend(model, [null, 5])).toBe(model);
    const constant = restartLevelTrend(model, [7, 7, 7], 'line');
    expect(constant.level).toBe(7);
    expect(constant.trend).toBe(0);
  });
});

describe('standardisedResidual', () => {
  it('is (y − ŷ) / σ, null for a gap or before any residual', () => {
    const model = fitHolt(Array.from({ length: 40 }, (_, t) => 10 + (t % 2 === 0 ? 1 : -1)));
    const z = standardisedResidual(model, 20);
    expect(z).toBeCloseTo((20 - oneStepMean(model)) / Math.sqrt(model.residualVariance), 9);
    expect(standardisedResidual(model, null)).toBeNull();
    expect(standardisedResidual({ ...model, residualCount: 0 }, 20)).toBeNull();
    // A constant past (σ = 0): a change is a huge z, not a division by zero.
    expect(standardisedResidual({ ...model, residualVariance: 0 }, oneStepMean(model) + 1)!).toBeGreaterThan(1e4);
  });
});

describe('the controller with change detection', () => {
  const on = resolvePredictiveSettings();
  const off = resolvePredictiveSettings({ changeDetection: 'off' });

  it('is on by default and restarts the level on a steep ramp out of a flat load', () => {
    expect(on.changeDetection).toBe('cusum');
    const values = flatThenRamp(300, 12, 2, 3);
    const withDetector = feed(values, on);
    const without = feed(values, off);
    expect(summarisePredictive(withDetector).changeAlarms.up).toBeGreaterThanOrEqual(1);
    // Twelve steps into a rise of 2 per step the load is about 44: the restarted level is nearer it than plain Holt's.
    const last = values[values.length - 1]!;
    expect(Math.abs(withDetector.model!.level - last)).toBeLessThan(Math.abs(without.model!.level - last));
    expect(withDetector.model!.level).toBeGreaterThan(30);
  });

  it('stays quiet on stationary noise', () => {
    const noise = gaussian(11);
    const s = feed(
      Array.from({ length: 600 }, () => 50 + 5 * noise()),
      on,
    );
    const { up, down } = summarisePredictive(s).changeAlarms;
    expect(up + down).toBeLessThanOrEqual(4);
  });

  it('gives finite forecasts on empty, constant and gappy series', () => {
    expect(feed([], on).model).toBeNull();
    const constant = feed(Array.from({ length: 100 }, () => 12), on);
    expect(summarisePredictive(constant).changeAlarms).toEqual({ up: 0, down: 0 });
    for (const f of forecast(constant.model!, 16, 0.8)) expect([f.mean, f.lower, f.upper].every(Number.isFinite)).toBe(true);
    const gappy = feed(
      Array.from({ length: 300 }, (_, t) => (t % 3 === 0 ? null : t < 200 ? 20 : 80)),
      on,
    );
    expect(summarisePredictive(gappy).changeAlarms.up).toBeGreaterThanOrEqual(1);
    for (const f of forecast(gappy.model!, 16, 0.8)) expect([f.mean, f.lower, f.upper].every(Number.isFinite)).toBe(true);
    expect(gappy.model!.level).toBeGreaterThan(60);
  });

  it('rejects bad detector settings with the field named', () => {
    expect(() => resolvePredictiveSettings({ changeDetection: 'sometimes' as 'off' })).toThrow(/changeDetection must be off or cusum/);
    expect(() => resolvePredictiveSettings({ changeDetector: { ...CHANGE_DETECTOR_DEFAULTS, threshold: 0 } })).toThrow(/changeDetector.threshold/);
    expect(() => resolvePredictiveSettings({ changeDetector: { ...CHANGE_DETECTOR_DEFAULTS, minPoints: 5, maxPoints: 3 } })).toThrow(/minPoints/);
    expect(() => resolvePredictiveSettings({ changeDetector: { ...CHANGE_DETECTOR_DEFAULTS, trend: 'wild' as 'line' } })).toThrow(/changeDetector.trend/);
    expect(() => resolvePredictiveSettings({ changeDetector: { ...CHANGE_DETECTOR_DEFAULTS, refractory: -1 } })).toThrow(/refractory/);
  });
});
