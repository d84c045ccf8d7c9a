import { accuracySummary, createAccuracyTracker, recordActual, recordForecast, type AccuracyState, type ForecastStep } from '../src/forecast';

/** The accuracy tracker pairs forecasts with the actuals of the steps they were for. */

const f = (step: number, mean: number, lower: number, upper: number): ForecastStep => ({ step, mean, lower, upper });

describe('accuracy tracker', () => {
  test('pairs a forecast with the actual of its step, and summarises MAPE and coverage', () => {
    let state = createAccuracyTracker();
    state = recordForecast(state, 10, f(2, 100, 90, 110)); // for step 12
    state = recordForecast(state, 11, f(2, 200, 150, 250)); // for step 13
    state = recordActual(state, 11, 999); // nothing due
    expect(state.pairs).toHaveLength(0);
    state = recordActual(state, 12, 120); // outside, 20/120 off
    state = recordActual(state, 13, 200); // inside, exact
    expect(state.pending).toHaveLength(0);
    expect(accuracySummary(state)).toEqual({ pairs: 2, mapePairs: 2, mape: (20 / 120 + 0) / 2, coverage: 0.5, meanAbsoluteError: 10 });
  });

  test.each<[string, number, number, Partial<ReturnType<typeof accuracySummary>>]>([
    ['an actual below the threshold counts for coverage only', 0.5, 1, { pairs: 1, mapePairs: 0, mape: null, coverage: 1 }],
    ['an actual of exactly 0 with threshold 0 counts for coverage only', 0, 0, { pairs: 1, mapePairs: 0, mape: null, coverage: 1 }],
    ['an actual at the threshold counts', 1, 1, { pairs: 1, mapePairs: 1, mape: 0.5 }],
  ])('%s', (_name, actual, minActualForMape, expected) => {
    let state = createAccuracyTracker({ minActualForMape });
    state = recordForecast(state, 0, f(1, 0.5, 0, 2));
    state = recordActual(state, 1, actual);
    expect(accuracySummary(state)).toMatchObject(expected);
  });

  test('a missing actual pairs nothing and drops the forecasts due; late actuals find nothing', () => {
    let state = createAccuracyTracker();
    state = recordForecast(state, 0, f(1, 5, 4, 6));
    state = recordForecast(state, 0, f(3, 5, 4, 6));
    state = recordActual(state, 1, null);
    expect(state.pending).toHaveLength(1);
    state = recordActual(state, 5, 5); // step 3 was missed
    expect(state.pending).toHaveLength(0);
    expect(accuracySummary(state)).toMatchObject({ pairs: 0, mape: null, coverage: null, meanAbsoluteError: null });
  });

  test('keeps only the last `window` pairs and pending forecasts', () => {
    let state: AccuracyState = createAccuracyTracker({ window: 3 });
    for (let t = 0; t < 10; t++) {
      state = recordForecast(state, t, f(1, 10, 9, 11));
      state = recordActual(state, t + 1, t < 7 ? 100 : 10);
    }
    expect(state.pairs.map((p) => p.actual)).toEqual([10, 10, 10]);
    expect(accuracySummary(state).coverage).toBe(1);
    for (let t = 0; t < 10; t++) state = recordForecast(state, 100, f(t + 1, 1, 0, 2));
    expect(state.pending.map((p) => p.dueStep)).toEqual([108, 109, 110]);
  });

  test('summarises one horizon at a time', () => {
    let state = createAccuracyTracker();
    state = recordForecast(state, 0, f(1, 10, 9, 11));
    state = recordForecast(state, 0, f(2, 10, 9, 11));
    state = recordActual(state, 1, 10);
    state = recordActual(state, 2, 20);
    expect(accuracySummary(state, 1)).toMatchObject({ pairs: 1, coverage: 1, mape: 0 });
    expect(accuracySummary(state, 2)).toMatchObject({ pairs: 1, coverage: 0, mape: 0.5 });
  });

  test('state is plain data: a JSON round trip changes nothing', () => {
    let state = createAccuracyTracker();
    state = recordForecast(state, 0, f(1, 10, 9, 11));
    state = recordActual(state, 1, 10.5);
    state = recordForecast(state, 1, f(4, 10, 9, 11));
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  test.each([{ window: 0 }, { window: 1.5 }, { minActualForMape: -1 }])('refuses %p', (options) => {
    expect(() => createAccuracyTracker(options)).toThrow(RangeError);
  });
});
