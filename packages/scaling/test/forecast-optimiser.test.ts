import { nelderMead, normalQuantile } from '../src/forecast';

/**
 * The two numerical building blocks of the forecaster: the simplex search that fits the smoothing
 * parameters, and the normal quantile that turns a level into an interval width.
 */

type Fn = (x: readonly number[]) => number;
const sq = (v: number) => v * v;
const x0 = (x: readonly number[]) => x[0] ?? Number.NaN;
const x1 = (x: readonly number[]) => x[1] ?? Number.NaN;

describe('nelderMead', () => {
  const cases: Array<[name: string, f: Fn, start: number[], minimum: number[], fMin: number, tolerance: number]> = [
    ['a shifted bowl', (x) => sq(x0(x) - 3) + sq(x1(x) + 2), [0, 0], [3, -2], 0, 1e-4],
    ['Rosenbrock from (−1.2, 1)', (x) => 100 * sq(x1(x) - sq(x0(x))) + sq(1 - x0(x)), [-1.2, 1], [1, 1], 0, 1e-3],
    ['Booth', (x) => sq(x0(x) + 2 * x1(x) - 7) + sq(2 * x0(x) + x1(x) - 5), [0, 0], [1, 3], 0, 1e-4],
    ['a 1-D parabola with an offset', (x) => sq(x0(x) - 0.25) + 7, [10], [0.25], 7, 1e-4],
    ['a 4-D ill-scaled quadratic', (x) => x.reduce((sum, xi, i) => sum + 10 ** i * sq(xi - i), 0), [0, 0, 0, 0], [0, 1, 2, 3], 0, 1e-3],
    ['|x − 2| (not smooth)', (x) => Math.abs(x0(x) - 2), [-5], [2], 0, 1e-4],
  ];

  test.each(cases)('finds the minimum of %s', (_name, f, start, minimum, fMin, tolerance) => {
    const result = nelderMead(f, start, { fTolerance: 1e-14, xTolerance: 1e-10, maxIterations: 5000 });
    result.x.forEach((xi, i) => expect(Math.abs(xi - (minimum[i] ?? Number.NaN))).toBeLessThan(tolerance));
    expect(result.fx).toBeCloseTo(fMin, 6);
    expect(result.converged).toBe(true);
  });

  test('walks away from a region where the objective is not finite', () => {
    const f: Fn = (x) => (x0(x) < 0 ? Number.NaN : sq(x0(x) - 1));
    const result = nelderMead(f, [0.5], { step: 2 });
    expect(result.x[0]).toBeCloseTo(1, 4);
  });

  test('is deterministic: the same call gives the same bits', () => {
    const f: Fn = (x) => 100 * sq(x1(x) - sq(x0(x))) + sq(1 - x0(x));
    expect(nelderMead(f, [-1.2, 1])).toEqual(nelderMead(f, [-1.2, 1]));
  });

  test('stops at the iteration budget and says so', () => {
    const f: Fn = (x) => 100 * sq(x1(x) - sq(x0(x))) + sq(1 - x0(x));
    const result = nelderMead(f, [-1.2, 1], { maxIterations: 5, restarts: 0 });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(5);
  });

  test('handles zero dimensions and refuses a non-finite start', () => {
    expect(nelderMead(() => 4, [])).toMatchObject({ x: [], fx: 4 });
    expect(() => nelderMead(() => 0, [Number.NaN])).toThrow(RangeError);
  });
});

describe('normalQuantile', () => {
  test.each([
    [0.5, 0],
    [0.975, 1.959963984540054],
    [0.025, -1.959963984540054],
    [0.9, 1.2815515655446004],
    [0.95, 1.6448536269514722],
    [0.995, 2.5758293035489004],
    [0.01, -2.3263478740408408],
    [1e-6, -4.753424308822899],
    [1 - 1e-6, 4.753424308822899],
  ])('Φ⁻¹(%p) = %p', (p, z) => {
    expect(Math.abs(normalQuantile(p) - z)).toBeLessThan(1e-8 * Math.max(1, Math.abs(z)));
  });

  test.each([0, 1, -0.1, 1.5, Number.NaN])('refuses p = %p', (p) => {
    expect(() => normalQuantile(p)).toThrow(RangeError);
  });
});
