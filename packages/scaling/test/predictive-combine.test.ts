import fc from 'fast-check';
import { emptyRecommenderState, recommend, validateScalingPolicy, type ReactivePolicy, type Recommendation, type RecommenderState } from '../src/recommender';
import { combineWithReactive, predictiveRecommendation, PREDICTIVE_MODES, type PredictiveMode, type PredictiveRecommendation } from '../src/predictive';

/**
 * Combining with the real reactive recommender: the forecast can only add capacity, never scales in on
 * its own, changes nothing in forecast-only mode, and stays within [min, max].
 *
 * The reactive side uses "demand": `current` ready containers share `demand` requests/s, the policy
 * targets 1 req/s per container with no tolerance, so the reactive count is simply `demand`.
 */

const S = 1000;

function policy(down: Record<string, unknown> = {}): ReactivePolicy {
  return validateScalingPolicy({
    metrics: [{ metric: 'rps', target: 1 }],
    minReplicas: 1,
    maxReplicas: 10,
    behavior: { scaleUp: { tolerance: 0, stabilizationWindowS: 0 }, scaleDown: { tolerance: 0, stabilizationWindowS: 0, ...down } },
  }) as ReactivePolicy;
}

function reactive(current: number, demand: number, tS = 100, state: RecommenderState = emptyRecommenderState(), p = policy()): Recommendation {
  const containers = Array.from({ length: current }, (_, i) => ({ id: `c${i}`, ready: true, starting: false, metrics: { rps: demand / current } }));
  return recommend({ now: tS * S, currentReplicas: current, containers }, p, state);
}

/** The forecast's count is `replicas` (capacity 1 req/s per container, a flat narrow forecast). */
function predictive(replicas: number | null, current: number): PredictiveRecommendation {
  const forecast = replicas === null ? [] : [{ step: 1, mean: replicas, lower: replicas, upper: replicas }];
  return predictiveRecommendation({ forecast, horizonSteps: 1, perContainerRps: 1, currentReplicas: current, minReplicas: 1, maxReplicas: 10 });
}

describe('combineWithReactive', () => {
  test.each<[string, PredictiveMode, number, number, number | null, number, string]>([
    // name, mode, current, reactive demand, forecast count, desired, reason
    ['on: the forecast raises a steady count', 'on', 5, 5, 8, 8, 'forecast-raised'],
    ['on: a lower forecast does not scale in on its own', 'on', 5, 5, 3, 5, 'reactive'],
    ['on: a higher reactive count wins', 'on', 5, 7, 6, 7, 'reactive'],
    ['on: a reactive scale-in goes no further than the forecast allows', 'on', 5, 3, 4, 4, 'forecast-raised'],
    ['on: a forecast above max is capped', 'on', 5, 5, 25, 10, 'forecast-raised'],
    ['on: a forecast with no opinion leaves the reactive count', 'on', 5, 3, null, 3, 'reactive'],
    ['forecast-only: the reactive count stands', 'forecast-only', 5, 5, 8, 5, 'forecast-only'],
    ['forecast-only: a reactive scale-in stands too', 'forecast-only', 5, 3, 8, 3, 'forecast-only'],
    ['off: the reactive count only', 'off', 5, 5, 8, 5, 'off'],
  ])('%s', (_name, mode, current, demand, forecastCount, desired, reason) => {
    const r = reactive(current, demand);
    const result = combineWithReactive(r, predictive(forecastCount, current), mode);
    expect(result.desired).toBe(desired);
    expect(result.reason).toBe(reason);
    expect(result.reactive).toBe(r.desired);
  });

  test('forecast-only reports what `on` would have done, and leaves the recommender state alone', () => {
    const r = reactive(5, 5);
    const result = combineWithReactive(r, predictive(8, 5), 'forecast-only');
    expect(result).toMatchObject({ desired: 5, wouldBe: 8, predictive: 8 });
    expect(result.state).toBe(r.state);
    expect(result.summary).toMatch(/^forecast-only: the forecast would raise 5 to 8 \(forecast upper bound 8 req\/s/);
  });

  test('a service switched off (0 containers) stays off whatever the forecast', () => {
    const r = reactive(0, 0);
    expect(r.explanation.reason).toBe('scaling-disabled');
    for (const mode of PREDICTIVE_MODES) expect(combineWithReactive(r, predictive(8, 0), mode)).toMatchObject({ desired: 0, reason: 'scaling-disabled' });
  });

  test('a forecast raise is recorded in the recommender state as this period’s scale event and recommendation', () => {
    const r = reactive(5, 5, 100);
    const result = combineWithReactive(r, predictive(8, 5), 'on');
    expect(result.state.scaleEvents).toEqual([{ at: 100 * S, change: 3 }]);
    expect(result.state.recommendations.at(-1)).toEqual({ at: 100 * S, replicas: 8 });
    expect(result.state.lastScaleUpAt).toBe(100 * S);
  });

  test('a forecast that halts a reactive scale-in replaces the recorded scale-down', () => {
    const r = reactive(5, 3, 100);
    expect(r.state.scaleEvents).toEqual([{ at: 100 * S, change: -2 }]);
    const result = combineWithReactive(r, predictive(5, 5), 'on');
    expect(result.desired).toBe(5);
    expect(result.state.scaleEvents).toEqual([]);
  });

  test('the scale-down window holds a forecast raise like a reactive one', () => {
    const p = policy({ stabilizationWindowS: 60 });
    const first = combineWithReactive(reactive(5, 5, 100, emptyRecommenderState(), p), predictive(8, 5), 'on');
    const held = reactive(8, 5, 130, first.state, p);
    expect(held.desired).toBe(8);
    expect(held.explanation.reason).toBe('stabilised');
    const released = reactive(8, 5, 170, held.state, p);
    expect(released.desired).toBe(5);
  });

  test('invariants over any counts: never below reactive, within [min, max], no scale-in on the forecast alone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 20 }),
        fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
        fc.constantFrom(...PREDICTIVE_MODES),
        (current, demand, forecastCount, mode) => {
          const r = reactive(current, demand);
          const result = combineWithReactive(r, predictive(forecastCount, current), mode);
          expect(result.desired).toBeGreaterThanOrEqual(r.desired);
          expect(result.desired).toBeGreaterThanOrEqual(1);
          expect(result.desired).toBeLessThanOrEqual(10);
          if (result.desired < current) expect(r.desired).toBeLessThan(current);
          if (mode !== 'on') expect(result.desired).toBe(r.desired);
          expect(result.wouldBe).toBeGreaterThanOrEqual(result.desired);
        },
      ),
    );
  });

  test('is deterministic', () => {
    const r = reactive(4, 6);
    const p = predictive(9, 4);
    expect(combineWithReactive(r, p, 'on')).toEqual(combineWithReactive(structuredClone(r), structuredClone(p), 'on'));
  });
});
