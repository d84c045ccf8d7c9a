import { fitHolt, fitHoltWinters, forecast, normalQuantile, updateModel, type FittedModel } from '../src/forecast';
import { gaussian } from './forecast-noise';

/**
 * Prediction intervals: the closed-form h-step variances match the textbook formulas and a Monte Carlo
 * of the model itself, and on noisy data the intervals cover about as often as their level says.
 */

const z95 = normalQuantile(0.975);
const halfWidth = (model: FittedModel, h: number) => {
  const s = forecast(model, h)[h - 1]!;
  return (s.upper - s.lower) / 2;
};

/** A model in a known state, for checking the variance formulas. */
function known(patch: Partial<FittedModel>): FittedModel {
  const base = fitHolt([], { nonNegative: false, params: { alpha: 0.3, beta: 0.06 } });
  return { ...base, level: 1000, residualVariance: 4, residualCount: 200, ...patch };
}

describe('closed-form interval widths', () => {
  test.each([1, 2, 5, 10])('Holt, h = %i: σ²[1 + (h−1)(α² + αβh + β²h(2h−1)/6)] (Hyndman et al. 2008, Table 6.1)', (h) => {
    const model = known({});
    const { alpha: a, beta: b } = model.params;
    const variance = 4 * (1 + (h - 1) * (a * a + a * b * h + (b * b * h * (2 * h - 1)) / 6));
    expect(halfWidth(model, h)).toBeCloseTo(z95 * Math.sqrt(variance), 9);
  });

  test('Holt–Winters adds γ to c_j at whole seasons only', () => {
    const m = 4;
    const model = known({ kind: 'holt-winters', seasonLength: m, seasonBucketSteps: 1, season: [1, -1, 2, -2], params: { alpha: 0.3, beta: 0.06, gamma: 0.2, phi: 1 } });
    const { alpha, beta, gamma } = model.params;
    for (const h of [1, 4, 5, 9, 12]) {
      let sum = 1;
      for (let j = 1; j < h; j++) sum += (alpha + beta * j + (j % m === 0 ? gamma : 0)) ** 2;
      expect(halfWidth(model, h)).toBeCloseTo(z95 * Math.sqrt(4 * sum), 9);
    }
  });

  test('zero residual variance gives zero-width intervals', () => {
    const steps = forecast(known({ residualVariance: 0 }), 5);
    for (const s of steps) expect(s.upper - s.lower).toBe(0);
  });
});

/**
 * Runs the model forward as the data-generating process (y = one-step forecast + N(0, σ²) error, fed back
 * through updateModel) many times, and compares the spread of y at step h with the forecast's interval.
 */
function monteCarloSd(model: FittedModel, h: number, paths: number, seed: number): number {
  const noise = gaussian(seed);
  const sigma = Math.sqrt(model.residualVariance);
  let sum = 0;
  let sumSq = 0;
  for (let p = 0; p < paths; p++) {
    let m = model;
    let y = 0;
    for (let step = 1; step <= h; step++) {
      y = forecast(m, 1)[0]!.mean + sigma * noise();
      m = updateModel(m, y);
    }
    sum += y;
    sumSq += y * y;
  }
  const mean = sum / paths;
  return Math.sqrt(sumSq / paths - mean * mean);
}

describe('interval widths against a Monte Carlo of the model', () => {
  const seasonalState = { kind: 'holt-winters' as const, season: [3, -1, -2], seasonLength: 3 };
  test.each<[string, Partial<FittedModel>, number]>([
    ['damped Holt', { params: { alpha: 0.4, beta: 0.1, gamma: 0, phi: 0.9 } }, 8],
    ['Holt–Winters, m = 3', { ...seasonalState, seasonBucketSteps: 1, params: { alpha: 0.3, beta: 0.05, gamma: 0.5, phi: 1 } }, 7],
    ['Holt–Winters, 3 slots × 2 steps, starting mid-slot', { ...seasonalState, seasonBucketSteps: 2, phase: 1, params: { alpha: 0.2, beta: 0.05, gamma: 0.7, phi: 1 } }, 9],
  ])('%s', (_name, patch, h) => {
    const model = known(patch);
    const predicted = halfWidth(model, h) / z95;
    const simulated = monteCarloSd(model, h, 6000, 11);
    expect(Math.abs(simulated / predicted - 1)).toBeLessThan(0.04);
  });
});

describe('coverage on noisy data', () => {
  /** Fits on the first `fitOn` points, then forecasts `h` ahead and updates through the rest. */
  function coverage(y: readonly number[], fitOn: number, h: number, level: number, fit: (history: number[]) => FittedModel): number {
    let model = fit(y.slice(0, fitOn));
    let inside = 0;
    let total = 0;
    for (let t = fitOn; t + h - 1 < y.length; t++) {
      const step = forecast(model, h, level)[h - 1]!;
      const actual = y[t + h - 1]!;
      if (actual >= step.lower && actual <= step.upper) inside += 1;
      total += 1;
      model = updateModel(model, y[t]);
    }
    return inside / total;
  }

  const noise = gaussian(5);
  const daily = Array.from({ length: 2300 }, (_, t) => 300 + 60 * Math.sin((2 * Math.PI * t) / 60) + 0.05 * t + 8 * noise());

  test.each<[string, number, number, number, number, (h: number[]) => FittedModel]>([
    ['Holt–Winters (m = 60), one step, 95 %', 1, 0.95, 0.92, 0.98, (h) => fitHoltWinters(h, { seasonLength: 60 })],
    ['Holt–Winters (m = 60), one step, 80 %', 1, 0.8, 0.75, 0.86, (h) => fitHoltWinters(h, { seasonLength: 60 })],
    ['Holt–Winters (m = 60), five steps, 95 %', 5, 0.95, 0.9, 0.99, (h) => fitHoltWinters(h, { seasonLength: 60 })],
    ['Holt on the same data, one step, 95 %', 1, 0.95, 0.88, 0.99, (h) => fitHolt(h)],
  ])('%s', (_name, h, level, low, high, fit) => {
    const share = coverage(daily, 300, h, level, fit);
    expect(share).toBeGreaterThan(low);
    expect(share).toBeLessThan(high);
  });

  test('data generated by the model itself: 95 % intervals five steps ahead cover 92–98 %', () => {
    const generator = known({ level: 500, trend: 0.2, params: { alpha: 0.3, beta: 0.03, gamma: 0, phi: 1 } });
    const e = gaussian(9);
    let state = generator;
    const y: number[] = [];
    for (let t = 0; t < 3000; t++) {
      const value = forecast(state, 1)[0]!.mean + 2 * e();
      y.push(value);
      state = updateModel(state, value);
    }
    const share = coverage(y, 400, 5, 0.95, (history) => fitHolt(history));
    expect(share).toBeGreaterThan(0.92);
    expect(share).toBeLessThan(0.98);
  });
});
