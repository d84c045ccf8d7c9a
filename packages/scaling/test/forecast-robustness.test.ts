import {
  ForecastModelError,
  chooseModel,
  fitHolt,
  fitHoltWinters,
  forecast,
  parseFittedModel,
  updateModel,
  type FittedModel,
  type ForecastStep,
} from '../src/forecast';

/**
 * The forecaster never answers NaN or ∞, whatever the history: empty, one point, constant, full of gaps
 * or garbage; request-rate bounds never go below 0; the same input always gives the same output; and a
 * model survives a JSON round trip (a VIM restart) with its season intact.
 */

type History = Array<number | null>;

function expectSane(steps: readonly ForecastStep[], nonNegative = true): void {
  for (const s of steps) {
    for (const v of [s.mean, s.lower, s.upper]) expect(Number.isFinite(v)).toBe(true);
    expect(s.lower).toBeLessThanOrEqual(s.mean);
    expect(s.mean).toBeLessThanOrEqual(s.upper);
    if (nonNegative) expect(s.lower).toBeGreaterThanOrEqual(0);
  }
}

function expectFiniteModel(model: FittedModel): void {
  const numbers = [model.level, model.trend, model.residualVariance, model.fit.mse, model.fit.aic, ...model.season, model.params.alpha, model.params.beta, model.params.gamma, model.params.phi];
  for (const v of numbers) expect(Number.isFinite(v)).toBe(true);
}

const sine = (n: number, m = 12): number[] => Array.from({ length: n }, (_, t) => 50 + 10 * Math.sin((2 * Math.PI * t) / m) + ((t * 7) % 5));

describe('awkward histories', () => {
  const fits: Array<[string, (h: History) => FittedModel]> = [
    ['Holt', (h) => fitHolt(h)],
    ['damped Holt', (h) => fitHolt(h, { damped: true })],
    ['Holt–Winters (m = 12)', (h) => fitHoltWinters(h, { seasonLength: 12 })],
    ['chooseModel (m = 12)', (h) => chooseModel(h, 12)],
  ];
  const histories: Array<[string, History]> = [
    ['empty', []],
    ['one point', [42]],
    ['two points', [10, 20]],
    ['all gaps', [null, null, Number.NaN, null]],
    ['constant', Array.from({ length: 100 }, () => 7)],
    ['all zero', Array.from({ length: 100 }, () => 0)],
    ['gappy seasonal', sine(120).map((y, t) => (t % 4 === 1 || (t > 40 && t < 60) ? null : y))],
    ['leading and trailing gaps', [null, null, ...sine(60), null, null, null]],
    ['non-finite values', [1, Number.POSITIVE_INFINITY, 3, Number.NEGATIVE_INFINITY, 5, 6, 7, 8, 9, 10, 11, 12]],
    ['huge values', Array.from({ length: 40 }, (_, t) => (t % 2 === 0 ? 1e150 : 1e151))],
    ['values whose squares overflow', Array.from({ length: 40 }, (_, t) => (t % 2 === 0 ? 1e200 : -1e200))],
    ['a crash to zero', [...Array.from({ length: 50 }, () => 500), ...Array.from({ length: 10 }, () => 0)]],
  ];
  const cases = fits.flatMap(([fitName, fit]) => histories.map(([name, history]) => [fitName, name, fit, history] as const));

  test.each(cases)('%s on %s history: finite model, sane forecasts', (_fitName, _name, fit, history) => {
    const model = fit(history);
    expectFiniteModel(model);
    expectSane(forecast(model, 30));
    const updated = [null, 0, 1e6, Number.NaN, 3].reduce<FittedModel>((m, v) => updateModel(m, v), model);
    expectFiniteModel(updated);
    expectSane(forecast(updated, 30));
  });

  test('empty history forecasts 0 with a zero-width interval', () => {
    expect(forecast(fitHolt([]), 2)).toEqual([
      { step: 1, mean: 0, lower: 0, upper: 0 },
      { step: 2, mean: 0, lower: 0, upper: 0 },
    ]);
  });

  test('a single point forecasts itself, with zero width (nothing is known about the noise yet)', () => {
    expect(forecast(fitHolt([42]), 3).map((s) => [s.mean, s.lower, s.upper])).toEqual([
      [42, 42, 42],
      [42, 42, 42],
      [42, 42, 42],
    ]);
  });

  test('constant history: zero-width intervals at the constant', () => {
    for (const s of forecast(fitHolt(Array.from({ length: 100 }, () => 7)), 10)) {
      expect(s.mean).toBeCloseTo(7, 9);
      expect(s.upper - s.lower).toBeCloseTo(0, 9);
    }
  });

  test('a gap is imputed, not skipped: the season stays aligned with time', () => {
    const full = sine(120);
    const gappy: History = full.map((y, t) => (t >= 100 && t < 106 ? null : y));
    const a = fitHoltWinters(full, { seasonLength: 12, params: { alpha: 0.2, beta: 0.01, gamma: 0.1 } });
    const b = fitHoltWinters(gappy, { seasonLength: 12, params: { alpha: 0.2, beta: 0.01, gamma: 0.1 } });
    expect(b.phase).toBe(a.phase);
    expect(b.steps).toBe(120);
    expect(b.observations).toBe(114);
    const fa = forecast(a, 12);
    forecast(b, 12).forEach((s, i) => expect(Math.abs(s.mean - fa[i]!.mean)).toBeLessThan(2));
  });

  test('a falling forecast is clamped at 0, bounds included; nonNegative: false lets it go below', () => {
    const falling = Array.from({ length: 40 }, (_, t) => 200 - 10 * t + (t % 2));
    const clamped = forecast(fitHolt(falling), 20);
    expect(clamped.at(-1)).toEqual({ step: 20, mean: 0, lower: 0, upper: 0 });
    expectSane(clamped);
    expect(forecast(fitHolt(falling, { nonNegative: false }), 20).at(-1)!.mean).toBeLessThan(-100);
  });

  test('a gap in updates leaves the residual variance and the observation count alone', () => {
    const model = fitHolt(sine(60));
    const after = updateModel(model, null);
    expect(after.residualVariance).toBe(model.residualVariance);
    expect(after.observations).toBe(model.observations);
    expect(after.steps).toBe(model.steps + 1);
  });

  test.each([
    [-1, 0.95],
    [1.5, 0.95],
    [3, 0],
    [3, 1],
    [3, Number.NaN],
  ])('forecast(model, %p, %p) is refused', (h, level) => {
    expect(() => forecast(fitHolt([1, 2, 3]), h, level)).toThrow(RangeError);
  });

  test('a zero-step forecast is empty', () => {
    expect(forecast(fitHolt([1, 2, 3]), 0)).toEqual([]);
  });
});

describe('determinism and persistence', () => {
  const history = sine(240);

  test('the same input gives the same output, bit for bit', () => {
    const a = chooseModel(history, 12, { damped: true });
    const b = chooseModel([...history], 12, { damped: true });
    expect(b).toEqual(a);
    expect(forecast(updateModel(b, 55), 10)).toEqual(forecast(updateModel(a, 55), 10));
  });

  test('inputs are not modified', () => {
    const copy = [...history];
    const model = fitHoltWinters(history, { seasonLength: 12 });
    const snapshot = JSON.stringify(model);
    updateModel(model, 1000);
    forecast(model, 5);
    expect(history).toEqual(copy);
    expect(JSON.stringify(model)).toBe(snapshot);
  });

  test('a JSON round trip (a restart) keeps the season: same forecasts and updates', () => {
    const model = updateModel(fitHoltWinters(history, { seasonLength: 12 }), 70);
    const restored = parseFittedModel(JSON.parse(JSON.stringify(model)));
    expect(restored).toEqual(model);
    expect(forecast(updateModel(restored, 44), 24)).toEqual(forecast(updateModel(model, 44), 24));
  });

  test('parseFittedModel lists every problem of a damaged model', () => {
    const model = JSON.parse(JSON.stringify(fitHoltWinters(history, { seasonLength: 12 }))) as Record<string, unknown>;
    const damaged = { ...model, version: 2, level: null, season: [1, 2], phase: 99, params: { alpha: 2, beta: 0.1, gamma: 0.1, phi: 1 } };
    let error: unknown;
    try {
      parseFittedModel(damaged);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ForecastModelError);
    const problems = (error as ForecastModelError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^version/),
        expect.stringMatching(/^params\.alpha/),
        expect.stringMatching(/^season must list 12/),
        expect.stringMatching(/^phase/),
        expect.stringMatching(/^level/),
      ]),
    );
    expect((error as ForecastModelError).code).toBe('invalid-forecast-model');
    expect(() => parseFittedModel('nope')).toThrow(ForecastModelError);
  });
});
