import { chooseModel, fitHolt, fitHoltWinters, forecast, type FittedModel } from '../src/forecast';
import { gaussian } from './forecast-noise';

/**
 * Fitting recovers what generated the data: level, trend and season of synthetic series with known
 * parts and a little seeded noise; and model selection picks the season only when the data has one.
 */

function series(n: number, truth: (t: number) => number, sigma: number, seed = 1): number[] {
  const noise = gaussian(seed);
  return Array.from({ length: n }, (_, t) => truth(t) + sigma * noise());
}

function maxForecastError(model: FittedModel, n: number, horizon: number, truth: (t: number) => number): number {
  return Math.max(...forecast(model, horizon).map((s) => Math.abs(s.mean - truth(n - 1 + s.step))));
}

describe('fitHolt', () => {
  const truth = (t: number) => 50 + 2 * t;
  const n = 200;
  const model = fitHolt(series(n, truth, 1));

  test('recovers level and trend of a noisy line', () => {
    expect(model.kind).toBe('holt');
    expect(model.trend).toBeGreaterThan(1.9);
    expect(model.trend).toBeLessThan(2.1);
    expect(Math.abs(model.level - truth(n - 1))).toBeLessThan(2);
    expect(maxForecastError(model, n, 10, truth)).toBeLessThan(3);
  });

  test('fits by Nelder–Mead to a residual variance near the noise variance', () => {
    expect(model.fit.method).toBe('nelder-mead');
    expect(model.fit.observations).toBe(n);
    expect(model.fit.mse).toBeGreaterThan(0.7);
    expect(model.fit.mse).toBeLessThan(1.5);
    expect(model.params.gamma).toBe(0);
    expect(model.params.phi).toBe(1);
    expect(model.params.beta).toBeLessThanOrEqual(model.params.alpha);
  });

  test('a damped fit keeps phi within [0.8, 0.98] and still follows the line over a short horizon', () => {
    const damped = fitHolt(series(n, truth, 1), { damped: true });
    expect(damped.params.phi).toBeGreaterThanOrEqual(0.8);
    expect(damped.params.phi).toBeLessThanOrEqual(0.98);
    expect(maxForecastError(damped, n, 3, truth)).toBeLessThan(4);
  });

  test('given parameters are used as they are, without fitting', () => {
    const fixed = fitHolt(series(n, truth, 1), { params: { alpha: 0.3, beta: 0.05 } });
    expect(fixed.fit.method).toBe('default');
    expect(fixed.params).toEqual({ alpha: 0.3, beta: 0.05, gamma: 0, phi: 1 });
    expect(() => fitHolt([1, 2, 3], { params: { alpha: 1.5 } })).toThrow(RangeError);
  });

  test('fewer than 10 observations keep the default parameters', () => {
    expect(fitHolt([1, 2, 3, 4, 5]).fit.method).toBe('default');
  });
});

describe('fitHoltWinters', () => {
  test('recovers level, trend and a sine season (m = 24)', () => {
    const m = 24;
    const n = 24 * 10;
    const truth = (t: number) => 100 + 0.5 * t + 20 * Math.sin((2 * Math.PI * t) / m);
    const model = fitHoltWinters(series(n, truth, 2), { seasonLength: m });
    expect(model.kind).toBe('holt-winters');
    expect(model.phase).toBe(0);
    expect(model.trend).toBeGreaterThan(0.4);
    expect(model.trend).toBeLessThan(0.6);
    expect(Math.abs(model.level - (100 + 0.5 * (n - 1)))).toBeLessThan(3);
    model.season.forEach((s, slot) => expect(Math.abs(s - 20 * Math.sin((2 * Math.PI * slot) / m))).toBeLessThan(4));
    expect(maxForecastError(model, n, m, truth)).toBeLessThan(5);
  });

  test('recovers a season of slots several steps wide (m = 6 slots × 4 steps)', () => {
    const pattern = [0, 10, 20, 10, 0, -40];
    const mean = pattern.reduce((a, b) => a + b, 0) / pattern.length;
    const truth = (t: number) => 200 + (pattern[Math.floor((t % 24) / 4)] ?? 0);
    const n = 24 * 12;
    const model = fitHoltWinters(series(n, truth, 1, 7), { seasonLength: 6, seasonBucketSteps: 4 });
    expect(model.seasonBucketSteps).toBe(4);
    model.season.forEach((s, slot) => expect(Math.abs(s - ((pattern[slot] ?? 0) - mean))).toBeLessThan(3));
    expect(Math.abs(model.trend)).toBeLessThan(0.1);
    expect(maxForecastError(model, n, 48, truth)).toBeLessThan(5);
  });

  test('with less than two seasons of history it still gives a usable model', () => {
    const model = fitHoltWinters(series(30, (t) => 10 + t, 0.5), { seasonLength: 24 });
    expect(model.season).toHaveLength(24);
    expect(forecast(model, 5).every((s) => Number.isFinite(s.mean) && s.mean > 30)).toBe(true);
  });

  test.each([
    [{ seasonLength: 1 }],
    [{ seasonLength: 2.5 }],
    [{ seasonLength: 4, seasonBucketSteps: 0 }],
  ])('refuses a bad season shape %p', (options) => {
    expect(() => fitHoltWinters([1, 2, 3], options)).toThrow(RangeError);
  });
});

describe('chooseModel', () => {
  const m = 24;
  const seasonal = series(24 * 8, (t) => 100 + 20 * Math.sin((2 * Math.PI * t) / m), 2, 3);
  const trendOnly = series(24 * 8, (t) => 100 + 0.3 * t, 2, 4);

  test.each([
    ['a seasonal series with the season length', 'holt-winters', seasonal, m, /Holt–Winters AIC .* < Holt AIC/],
    ['a trend without a season, season length given', 'holt', trendOnly, m, /Holt AIC .* ≤ Holt–Winters AIC/],
    ['a seasonal series without a season length', 'holt', seasonal, undefined, /no season length/],
    ['fewer than two full seasons', 'holt', seasonal.slice(0, 40), m, /short of two full seasons \(48 steps/],
    ['two and a half seasons, a third observed', 'holt', seasonal.slice(0, 60).map((y, t) => (t % 3 === 0 ? y : null)), m, /20 observed/],
  ])('%s → %s', (_name, kind, history, seasonLength, reason) => {
    const model = chooseModel(history, seasonLength);
    expect(model.kind).toBe(kind);
    expect(model.selection?.reason).toMatch(reason);
    const chosen = model.selection?.candidates.find((c) => c.kind === kind);
    expect(chosen?.aic).toBe(model.fit.aic);
  });

  test('passes options through (damping, season buckets)', () => {
    const model = chooseModel(seasonal, 6, { damped: true, seasonBucketSteps: 4 });
    expect(model.params.phi).toBeLessThan(1);
    if (model.kind === 'holt-winters') expect(model.seasonBucketSteps).toBe(4);
  });
});
