import fc from 'fast-check';
import type { ForecastStep } from '../src/forecast';
import { predictiveRecommendation, type PredictiveInput } from '../src/predictive';

/**
 * The forecast's own count: the highest upper bound within the horizon over per-container capacity,
 * plus headroom only when the interval is wide, clamped to [min, max].
 */

/** [mean, lower, upper] per step, step 1 first. */
function steps(...rows: Array<[number, number, number]>): ForecastStep[] {
  return rows.map(([mean, lower, upper], i) => ({ step: i + 1, mean, lower, upper }));
}

function input(patch: Partial<PredictiveInput>): PredictiveInput {
  return { forecast: [], horizonSteps: 3, perContainerRps: 50, currentReplicas: 4, minReplicas: 1, maxReplicas: 20, ...patch };
}

describe('predictiveRecommendation', () => {
  test.each<[string, Partial<PredictiveInput>, number, number, number | null]>([
    // name, input, replicas, upperAtHorizon, deciding step
    ['the highest upper bound within the horizon decides (not the last step)', { forecast: steps([200, 190, 210], [280, 270, 290], [240, 230, 250]) }, 6, 290, 2],
    ['steps beyond the horizon are ignored', { forecast: steps([100, 95, 105], [100, 95, 105], [100, 95, 105], [900, 850, 950]) }, 3, 105, 1],
    ['an upper bound at an exact multiple needs no extra container', { forecast: steps([195, 190, 200]), perContainerRps: 50 }, 4, 200, 1],
    ['float noise does not add a container', { forecast: steps([3, 3, (0.1 + 0.2) * 10]), perContainerRps: 1 }, 3, 3.0000000000000004, 1],
    ['a long horizon looks further', { forecast: steps([100, 95, 105], [100, 95, 105], [100, 95, 105], [480, 470, 490]), horizonSteps: 4 }, 10, 490, 4],
  ])('%s', (_name, patch, replicas, upper, decidingStep) => {
    const result = predictiveRecommendation(input(patch));
    expect(result.replicas).toBe(replicas);
    expect(result.hasOpinion).toBe(true);
    expect(result.upperAtHorizon).toBe(upper);
    expect(result.explanation.decidingStep).toBe(decidingStep);
    expect(result.explanation.headroomFraction).toBe(0);
  });

  test.each<[string, [number, number, number], number, number]>([
    // name, [mean, lower, upper], headroom added, replicas (capacity 40)
    ['narrow (width 20% of the mean): no headroom', [100, 90, 110], 0, 3],
    ['at the threshold (width 50%): no headroom yet', [100, 75, 125], 0, 4],
    ['half again as wide (75%): half the headroom', [100, 62.5, 137.5], 0.1, 4],
    ['twice the threshold and beyond (120%): full headroom', [100, 40, 160], 0.2, 5],
  ])('%s', (_name, row, headroom, replicas) => {
    const result = predictiveRecommendation(input({ forecast: steps(row), perContainerRps: 40 }));
    expect(result.explanation.headroomFraction).toBeCloseTo(headroom, 12);
    expect(result.explanation.provisionedRps).toBeCloseTo(row[2] * (1 + headroom), 9);
    expect(result.replicas).toBe(replicas);
  });

  test('the headroom settings are configurable', () => {
    const forecast = steps([100, 40, 160]);
    const result = predictiveRecommendation(input({ forecast, perContainerRps: 40, confidenceHeadroom: { wideRelativeWidth: 2, headroomFraction: 1 } }));
    expect(result.explanation.headroomFraction).toBe(0);
    expect(result.replicas).toBe(4);
    expect(predictiveRecommendation(input({ forecast, perContainerRps: 40, confidenceHeadroom: { headroomFraction: 1 } })).replicas).toBe(8);
  });

  test('wide intervals add capacity, never remove it (any forecast)', () => {
    const row = fc.tuple(fc.double({ min: 0, max: 1000, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true }));
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 6 }), (rows, horizonSteps) => {
        const forecast = steps(...rows.map(([mean, down, up]): [number, number, number] => [mean, Math.max(0, mean - down), mean + up]));
        const plain = predictiveRecommendation(input({ forecast, horizonSteps, maxReplicas: 1000, confidenceHeadroom: { headroomFraction: 0 } }));
        const cautious = predictiveRecommendation(input({ forecast, horizonSteps, maxReplicas: 1000 }));
        expect(cautious.replicas).toBeGreaterThanOrEqual(plain.replicas);
        expect(cautious.explanation.headroomFraction).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  test.each<[string, Partial<PredictiveInput>, number, 'min' | 'max', RegExp]>([
    ['capped at maxReplicas', { forecast: steps([1000, 990, 1010]), maxReplicas: 8 }, 8, 'max', /→ 21; capped at maxReplicas 8$/],
    ['kept at minReplicas', { forecast: steps([10, 5, 15]), minReplicas: 3 }, 3, 'min', /→ 1; kept at minReplicas 3$/],
  ])('%s', (_name, patch, replicas, clamped, summary) => {
    const result = predictiveRecommendation(input(patch));
    expect(result.replicas).toBe(replicas);
    expect(result.explanation.clamped).toBe(clamped);
    expect(result.summary).toMatch(summary);
  });

  test.each<[string, Partial<PredictiveInput>, string]>([
    ['no forecast', { forecast: [] }, 'no-forecast'],
    ['only steps beyond the horizon', { forecast: [{ step: 4, mean: 500, lower: 500, upper: 500 }] }, 'no-forecast'],
    ['no capacity', { forecast: steps([100, 90, 110]), perContainerRps: 0 }, 'no-capacity'],
    ['non-finite capacity', { forecast: steps([100, 90, 110]), perContainerRps: Number.NaN }, 'no-capacity'],
  ])('%s → no opinion, minReplicas', (_name, patch, reason) => {
    const result = predictiveRecommendation(input({ minReplicas: 2, ...patch }));
    expect(result).toMatchObject({ hasOpinion: false, replicas: 2 });
    expect(result.explanation.reason).toBe(reason);
  });

  test('a forecast shorter than the horizon is used as far as it goes, and says so', () => {
    const result = predictiveRecommendation(input({ forecast: steps([100, 90, 110]), horizonSteps: 4 }));
    expect(result.explanation.stepsUsed).toBe(1);
    expect(result.summary).toBe('forecast upper bound 110 req/s within 4 steps (the forecast covers 1), at step 1 (mean 100) ÷ 50 req/s per container → 3');
  });

  test('the summary names the headroom when the interval is wide', () => {
    const result = predictiveRecommendation(input({ forecast: steps([100, 40, 160]), perContainerRps: 40, horizonSteps: 1 }));
    expect(result.summary).toBe(
      'forecast upper bound 160 req/s within 1 step, at step 1 (mean 100); interval 120% of the mean wide (> 50%), +20% headroom → 192 req/s ÷ 40 req/s per container → 5',
    );
  });

  test.each<[string, Partial<PredictiveInput>]>([
    ['horizon 0', { horizonSteps: 0 }],
    ['fractional horizon', { horizonSteps: 2.5 }],
    ['negative currentReplicas', { currentReplicas: -1 }],
    ['min above max', { minReplicas: 5, maxReplicas: 4 }],
    ['negative headroom', { confidenceHeadroom: { headroomFraction: -0.1 } }],
  ])('refuses %s', (_name, patch) => {
    expect(() => predictiveRecommendation(input(patch))).toThrow(RangeError);
  });

  test('is deterministic', () => {
    const i = input({ forecast: steps([100, 40, 160], [120, 60, 180]) });
    expect(predictiveRecommendation(i)).toEqual(predictiveRecommendation(structuredClone(i)));
  });
});
