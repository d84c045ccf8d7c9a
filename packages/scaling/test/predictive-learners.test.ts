import {
  capacityEstimate,
  createCapacityLearner,
  createStartupTimeTracker,
  learnCapacity,
  predictionHorizonSteps,
  recordStartup,
  startupEstimate,
  type CapacityLearnerState,
  type CapacitySample,
  type StartupTimeState,
} from '../src/predictive';

/** The two measured inputs of the predictive policy: per-container capacity and container start time. */

function learn(state: CapacityLearnerState, samples: readonly CapacitySample[]): CapacityLearnerState {
  return samples.reduce(learnCapacity, state);
}

const at = (k: number, cpuPct: number): CapacitySample => ({ rpsPerContainer: k * cpuPct, cpuPct });
const learner = () => createCapacityLearner({ targetUtilisationPct: 60, defaultPerContainerRps: 30 });

describe('capacity learner', () => {
  test('uses the default until 10 samples, then rps/cpu × target', () => {
    const nine = learn(learner(), Array.from({ length: 9 }, (_, i) => at(2, 30 + i * 5)));
    expect(capacityEstimate(nine)).toEqual({ value: 30, source: 'default', samples: 9 });
    const ten = learnCapacity(nine, at(2, 50));
    expect(capacityEstimate(ten)).toEqual({ value: 120, source: 'learned', samples: 10 });
  });

  test.each<[string, CapacitySample]>([
    ['CPU below 20%', at(2, 15)],
    ['no requests', { rpsPerContainer: 0, cpuPct: 50 }],
    ['NaN rps', { rpsPerContainer: Number.NaN, cpuPct: 50 }],
    ['negative CPU', { rpsPerContainer: 10, cpuPct: -5 }],
    ['infinite CPU', { rpsPerContainer: 10, cpuPct: Number.POSITIVE_INFINITY }],
  ])('ignores a sample with %s', (_name, sample) => {
    const state = learner();
    expect(learnCapacity(state, sample)).toBe(state);
  });

  test('one wild sample in the warm-up does not set the estimate (median)', () => {
    const samples = [...Array.from({ length: 9 }, () => at(2, 50)), at(200, 50)];
    expect(capacityEstimate(learn(learner(), samples)).value).toBeCloseTo(120, 9);
  });

  test('after the warm-up a wild sample is clipped to twice the estimate before averaging', () => {
    const warm = learn(learner(), Array.from({ length: 10 }, () => at(2, 50)));
    const after = learnCapacity(warm, at(1000, 50));
    expect(after.rpsPerCpuPct).toBeCloseTo(2 + 0.05 * (4 - 2), 12);
  });

  test('follows a real change in capacity within a few dozen samples', () => {
    const warm = learn(learner(), Array.from({ length: 10 }, () => at(2, 50)));
    const slower = learn(warm, Array.from({ length: 100 }, () => at(1, 50)));
    expect(capacityEstimate(slower).value).toBeGreaterThan(60);
    expect(capacityEstimate(slower).value).toBeLessThan(63);
  });

  test('a changed target applies at once to the learned ratio', () => {
    const warm = learn(learner(), Array.from({ length: 10 }, () => at(2, 50)));
    expect(capacityEstimate({ ...warm, targetUtilisationPct: 80 }).value).toBeCloseTo(160, 9);
  });

  test('state is plain data', () => {
    const state = learn(learner(), Array.from({ length: 12 }, (_, i) => at(2 + i / 100, 50)));
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  test.each([
    [{ targetUtilisationPct: 0, defaultPerContainerRps: 30 }],
    [{ targetUtilisationPct: 60, defaultPerContainerRps: Number.NaN }],
    [{ targetUtilisationPct: 60, defaultPerContainerRps: 30, minSamples: 0 }],
    [{ targetUtilisationPct: 60, defaultPerContainerRps: 30, smoothing: 0 }],
    [{ targetUtilisationPct: 60, defaultPerContainerRps: 30, minUtilisationPct: -1 }],
  ])('refuses options %p', (options) => {
    expect(() => createCapacityLearner(options)).toThrow(RangeError);
  });
});

describe('startup time tracker', () => {
  const record = (state: StartupTimeState, durations: readonly number[]) => durations.reduce(recordStartup, state);

  test('uses the default until 5 starts, then the nearest-rank p90', () => {
    const four = record(createStartupTimeTracker(), [1000, 2000, 3000, 4000]);
    expect(startupEstimate(four)).toEqual({ value: 10_000, source: 'default', samples: 4 });
    const ten = record(four, [5000, 6000, 7000, 8000, 9000, 10_000]);
    expect(startupEstimate(ten)).toEqual({ value: 9000, source: 'learned', samples: 10 });
  });

  test.each<[number[], number]>([
    [[3000, 1000, 2000, 5000, 4000], 5000],
    [Array.from({ length: 20 }, (_, i) => (20 - i) * 100), 1800],
    [[...Array.from({ length: 18 }, () => 1500), 9000, 30_000], 1500],
  ])('p90 of %p is %p', (durations, p90) => {
    expect(startupEstimate(record(createStartupTimeTracker(), durations)).value).toBe(p90);
  });

  test('keeps a rolling window, dropping the oldest', () => {
    const state = record(createStartupTimeTracker({ window: 5, minSamples: 1 }), [60_000, 60_000, 1000, 1000, 1000, 1000, 1000]);
    expect(state.durationsMs).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(startupEstimate(state).value).toBe(1000);
  });

  test.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('ignores a duration of %p', (duration) => {
    const state = createStartupTimeTracker();
    expect(recordStartup(state, duration)).toBe(state);
  });

  test.each([[{ window: 0 }], [{ minSamples: 0 }], [{ defaultMs: -1 }]])('refuses options %p', (options) => {
    expect(() => createStartupTimeTracker(options)).toThrow(RangeError);
  });
});

describe('predictionHorizonSteps', () => {
  test.each<[string, { startupP90Ms: number; controlPeriodMs: number; stepMs?: number }, number]>([
    ['5 s start + 2 s period in 2 s steps', { startupP90Ms: 5000, controlPeriodMs: 2000 }, 4],
    ['6 s start + 2 s period: exactly 4 steps', { startupP90Ms: 6000, controlPeriodMs: 2000 }, 4],
    ['instant start: still one period ahead', { startupP90Ms: 0, controlPeriodMs: 2000 }, 1],
    ['coarser forecast steps', { startupP90Ms: 25_000, controlPeriodMs: 2000, stepMs: 10_000 }, 3],
    ['float noise does not add a step', { startupP90Ms: 100 * (0.1 + 0.2) * 10, controlPeriodMs: 0, stepMs: 300 }, 1],
  ])('%s → %p', (_name, input, steps) => {
    expect(predictionHorizonSteps(input)).toBe(steps);
  });

  test('refuses a zero step', () => {
    expect(() => predictionHorizonSteps({ startupP90Ms: 1000, controlPeriodMs: 0 })).toThrow(RangeError);
  });
});
